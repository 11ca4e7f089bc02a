//! A timetable with every name the page's grids need (per curriculum, teacher and room),
//! so that the page draws it without knowing the instance's format.

use serde::Serialize;

use super::{IcsOptions, LectureRow, fmt_time, lecture_rows};
use crate::model::{Instance, Timetable};

/// A room with its seats, for the room grids.
#[derive(Clone, Debug, Serialize)]
pub struct RoomView {
    pub name: String,
    pub capacity: u32,
}

/// A pin as the page shows it: course and room by name, day and period of the day 0-based
/// (null where the pin leaves it free).
#[derive(Clone, Debug, Serialize)]
pub struct PinView {
    pub course: String,
    pub day: Option<usize>,
    pub period: Option<usize>,
    pub room: Option<String>,
}

/// A lecture row with the index (into `TimetableView::pins`) of the pin it carries.
#[derive(Clone, Debug, Serialize)]
pub struct RowView {
    #[serde(flatten)]
    pub row: LectureRow,
    pub pin: Option<usize>,
}

/// A timetable as the page's grids draw it (`Session.timetable()` in the wasm bindings):
/// everything needed to draw the grids per curriculum (student group), teacher and room.
#[derive(Clone, Debug, Serialize)]
pub struct TimetableView {
    pub name: String,
    pub days: u16,
    pub periods_per_day: u16,
    /// "Monday", … (from the instance; "Day 1", … for a `.ctt`).
    pub day_names: Vec<String>,
    /// The period names of a day ("08:00", …; "Period 1", … for a `.ctt`).
    pub period_names: Vec<String>,
    /// `"08:00–09:30"` per period when the instance has clock times, else empty.
    pub period_times: Vec<String>,
    /// True when the calendar export takes its times from the instance.
    pub has_times: bool,
    /// True when the instance uses features beyond CB-CTT.
    pub campus: bool,
    pub curricula: Vec<String>,
    pub teachers: Vec<String>,
    pub rooms: Vec<RoomView>,
    /// The instance's pins, in its order; a row's `pin` indexes this list.
    pub pins: Vec<PinView>,
    /// One row per scheduled lecture (`LectureRow` and its `pin`).
    pub lectures: Vec<RowView>,
    /// Lectures the solution leaves out.
    pub unscheduled: usize,
}

/// The view of `tt`, a timetable of `inst`: its lectures with names, each with the index
/// of the pin it carries, and the names of every curriculum, teacher and room.
pub fn timetable_view(inst: &Instance, tt: &Timetable) -> TimetableView {
    let pins = &inst.campus.pins;
    // Which pin each pinned lecture carries: the first equal pin not yet taken.
    let mut taken = vec![false; pins.len()];
    let mut pin_index = vec![None; inst.n_lectures()];
    for (l, slot) in pin_index.iter_mut().enumerate() {
        if let Some(pin) = inst.pin_of(l)
            && let Some(i) = (0..pins.len()).find(|&i| !taken[i] && pins[i] == pin)
        {
            taken[i] = true;
            *slot = Some(i);
        }
    }
    let rows = lecture_rows(inst, tt);
    let has_times = IcsOptions::instance_has_times(inst);
    TimetableView {
        name: inst.name.clone(),
        days: inst.days,
        periods_per_day: inst.periods_per_day,
        day_names: inst.day_names(),
        period_names: inst.period_names(),
        period_times: match inst.calendar() {
            Some(cal) if has_times => cal
                .periods
                .iter()
                .map(|p| {
                    format!(
                        "{}–{}",
                        fmt_time(u32::from(p.start_min)),
                        fmt_time(u32::from(p.end_min))
                    )
                })
                .collect(),
            _ => Vec::new(),
        },
        has_times,
        campus: inst.uses_campus_features(),
        curricula: inst.curricula.iter().map(|g| g.name.clone()).collect(),
        teachers: inst.teachers.clone(),
        rooms: inst
            .rooms
            .iter()
            .map(|r| RoomView {
                name: r.name.clone(),
                capacity: r.capacity,
            })
            .collect(),
        pins: pins
            .iter()
            .map(|p| PinView {
                course: inst.courses[p.course.idx()].name.clone(),
                day: p.period.map(|q| inst.day_of(q)),
                period: p.period.map(|q| inst.period_of_day(q)),
                room: p.room.map(|r| inst.rooms[r.idx()].name.clone()),
            })
            .collect(),
        unscheduled: inst.n_lectures().saturating_sub(rows.len()),
        lectures: rows
            .into_iter()
            .map(|row| RowView {
                // A lecture beyond its course's count (a file with extra lines) has no pin.
                pin: pin_index.get(row.lecture).copied().flatten(),
                row,
            })
            .collect(),
    }
}
