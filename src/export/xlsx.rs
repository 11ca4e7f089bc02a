//! The timetable as an Excel workbook, for the office that lives in spreadsheets: a
//! `Lectures` sheet with the CSV export's columns (and the violations touching each
//! lecture), then one grid sheet per curriculum (student group), teacher and room — days
//! across, periods down, a lecture of several periods as one merged cell, lectures touched
//! by a violation coloured as the page colours them (amber soft, red hard) and named in
//! words, so colour is never the only signal. Headers are frozen and every sheet prints
//! landscape on one page wide.
//!
//! Everything comes from [`lecture_rows`] and the evaluator's violations, as the page's
//! grids do; the page and `atoll export` call [`to_xlsx`].

use std::collections::HashSet;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use thiserror::Error;

use super::{LectureRow, fmt_time, lecture_rows};
use crate::eval::{Rule, ViolationReport, evaluate};
use crate::model::{Instance, Timetable};

/// The workbook could not be assembled (`rust_xlsxwriter`'s reason).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot write the workbook: {0}")]
pub struct WorkbookError(pub String);

impl From<XlsxError> for WorkbookError {
    fn from(e: XlsxError) -> Self {
        WorkbookError(e.to_string())
    }
}

/// The page's colours (`www/style.css`: `--warn-bg`/`--warn`, `--bad-bg`/`--bad`).
const SOFT_BG: u32 = 0xFDF3DC;
const SOFT_FG: u32 = 0x8A5A00;
const HARD_BG: u32 = 0xFDECEB;
const HARD_FG: u32 = 0xB42318;
const LECTURE_BG: u32 = 0xEEF4FB;
const HEADER_BG: u32 = 0xE8EEF4;
const GRID_LINE: u32 = 0xB8C2CC;

/// The CSV export's columns ([`super::to_csv`]), then the violations in words.
pub const LECTURE_COLUMNS: [&str; 14] = [
    "course",
    "teacher",
    "room",
    "day",
    "period",
    "curricula",
    "teachers",
    "day_name",
    "period_name",
    "start",
    "end",
    "duration",
    "pinned",
    "violations",
];

/// The page's name of a rule (`www/grid.js`, `RULES`).
pub fn rule_label(rule: Rule) -> &'static str {
    match rule {
        Rule::Lectures => "Lectures",
        Rule::Conflicts => "Conflicts",
        Rule::Availability => "Availability",
        Rule::RoomOccupancy => "Room occupancy",
        Rule::RoomUnsuitable => "Unsuitable room",
        Rule::RoomClosed => "Room closed",
        Rule::PastEndOfDay => "Past the end of the day",
        Rule::PinNotKept => "Pin not kept",
        Rule::RoomCapacity => "Room capacity",
        Rule::MinWorkingDays => "Min working days",
        Rule::CurriculumCompactness => "Curriculum compactness",
        Rule::RoomStability => "Room stability",
        Rule::TeacherPreference => "Teacher preference",
        Rule::CurriculumDailyLimit => "Group daily limit",
        Rule::TeacherDailyLimit => "Teacher daily limit",
        Rule::Moved => "Moved",
    }
}

/// How badly a lecture is involved in violations: the worst rule that touches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    None,
    Soft,
    Hard,
}

/// A lecture's violations: the worst kind and the rules, hard first, each once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LectureMark {
    pub mark: Mark,
    pub hard: Vec<Rule>,
    pub soft: Vec<Rule>,
}

impl LectureMark {
    /// "hard: Conflicts · soft: Room capacity"; empty when no violation touches it.
    pub fn words(&self) -> String {
        let part = |kind: &str, rules: &[Rule]| {
            (!rules.is_empty()).then(|| {
                format!(
                    "{kind}: {}",
                    rules
                        .iter()
                        .map(|r| rule_label(*r))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        };
        [part("hard", &self.hard), part("soft", &self.soft)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// Rules about a room: a lecture is involved only when it is in one of the rooms.
fn room_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::RoomOccupancy
            | Rule::RoomCapacity
            | Rule::RoomStability
            | Rule::RoomUnsuitable
            | Rule::RoomClosed
    )
}

/// True when violation `v` involves lecture `row` — the page's `touches` (`www/grid.js`):
/// its course is named, it is at one of the violation's periods (when it has periods; a
/// lecture of several periods at any of them), and for the room rules it is in one of the
/// violation's rooms.
pub fn touches(v: &ViolationReport, row: &LectureRow) -> bool {
    if !v.courses.contains(&row.course) {
        return false;
    }
    let d = usize::from(row.duration.max(1));
    if !v.periods.is_empty()
        && !v
            .periods
            .iter()
            .any(|p| p.day == row.day && p.period >= row.period && p.period < row.period + d)
    {
        return false;
    }
    !(room_rule(v.rule) && !v.rooms.is_empty() && !v.rooms.contains(&row.room))
}

/// Per row of `rows`, the violations of `violations` that touch it.
pub fn lecture_marks(rows: &[LectureRow], violations: &[ViolationReport]) -> Vec<LectureMark> {
    rows.iter()
        .map(|row| {
            let mut m = LectureMark {
                mark: Mark::None,
                hard: Vec::new(),
                soft: Vec::new(),
            };
            for v in violations.iter().filter(|v| touches(v, row)) {
                let (list, mark) = if v.hard {
                    (&mut m.hard, Mark::Hard)
                } else {
                    (&mut m.soft, Mark::Soft)
                };
                if !list.contains(&v.rule) {
                    list.push(v.rule);
                }
                m.mark = m.mark.max(mark);
            }
            m
        })
        .collect()
}

/// Characters Excel refuses in a sheet name.
const FORBIDDEN: [char; 7] = ['[', ']', ':', '*', '?', '/', '\\'];
/// Excel's limit on a sheet name's length, in characters.
const MAX_NAME: usize = 31;

/// Gives each sheet a name Excel accepts: at most 31 characters, none of `[]:*?/\`, not
/// starting or ending with `'`, not blank, not `History` (reserved), and unique ignoring
/// letter case (as Excel compares them) — a clash gets ` (2)`, ` (3)`, … within the limit.
#[derive(Default)]
pub struct SheetNames {
    taken: HashSet<String>,
}

impl SheetNames {
    pub fn name(&mut self, wanted: &str) -> String {
        let clean: String = wanted
            .chars()
            .map(|c| {
                if FORBIDDEN.contains(&c) || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let clean = clean.trim().trim_matches('\'').trim();
        let base = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
            format!("Sheet {clean}").trim().to_string()
        } else {
            clean.to_string()
        };
        // A long name keeps its start and its end ("Group Computer …ear 2 section A"): names
        // of sections and years differ at the end.
        let cut = |s: &str, n: usize| -> String {
            let chars: Vec<char> = s.chars().collect();
            if chars.len() <= n {
                return s.to_string();
            }
            let tail = (n - 1) / 2;
            let head = n - 1 - tail;
            let mut out: String = chars[..head].iter().collect();
            out.push('…');
            out.extend(&chars[chars.len() - tail..]);
            out.trim_end_matches('\'').to_string()
        };
        let mut n = 1;
        loop {
            let name = if n == 1 {
                cut(&base, MAX_NAME)
            } else {
                let suffix = format!(" ({n})");
                format!("{}{suffix}", cut(&base, MAX_NAME - suffix.chars().count()))
            };
            if self.taken.insert(name.to_lowercase()) {
                return name;
            }
            n += 1;
        }
    }
}

/// Whose grid a sheet shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridKind {
    Curriculum,
    Teacher,
    Room,
}

impl GridKind {
    pub const ALL: [GridKind; 3] = [GridKind::Curriculum, GridKind::Teacher, GridKind::Room];

    /// The word the sheet names and titles start with.
    pub fn word(self) -> &'static str {
        match self {
            GridKind::Curriculum => "Group",
            GridKind::Teacher => "Teacher",
            GridKind::Room => "Room",
        }
    }

    /// The names of this kind, in instance order.
    pub fn names(self, inst: &Instance) -> Vec<String> {
        match self {
            GridKind::Curriculum => inst.curricula.iter().map(|g| g.name.clone()).collect(),
            GridKind::Teacher => inst.teachers.clone(),
            GridKind::Room => inst.rooms.iter().map(|r| r.name.clone()).collect(),
        }
    }

    /// True when `row` belongs to `name`'s grid (a teacher: any of the course's teachers).
    pub fn has(self, row: &LectureRow, name: &str) -> bool {
        match self {
            GridKind::Curriculum => row.curricula.iter().any(|c| c == name),
            GridKind::Teacher => row.teachers.iter().any(|t| t == name),
            GridKind::Room => row.room == name,
        }
    }

    /// The second line of a lecture's cell: where it is (a room's grid: who teaches).
    pub fn detail(self, row: &LectureRow) -> String {
        match self {
            GridKind::Room => row.teachers.join(", "),
            _ => row.room.clone(),
        }
    }
}

/// A lecture's text in a grid cell: its course, then [`GridKind::detail`], then whether it
/// is pinned and the violations touching it. Lectures sharing a cell (a clash) are
/// separated by an empty line.
pub fn cell_block(kind: GridKind, row: &LectureRow, mark: &LectureMark) -> String {
    let mut lines = vec![row.course.clone(), kind.detail(row)];
    let mut notes = Vec::new();
    if row.pinned {
        notes.push("pinned".to_string());
    }
    let words = mark.words();
    if !words.is_empty() {
        notes.push(words);
    }
    if !notes.is_empty() {
        lines.push(notes.join(" · "));
    }
    lines.join("\n")
}

/// The text of a later period of a lecture that could not be merged (another lecture
/// shares one of its cells).
pub fn continuation(row: &LectureRow) -> String {
    format!("(cont.) {}", row.course)
}

/// A grid row's least height in points: course, room and a note.
const MIN_ROW_HEIGHT: f64 = 38.0;
/// Characters of 9-point text that fit on one line of a day column (24 wide).
const LINE_CHARS: usize = 30;

/// The height in points that shows all of `text` in a day column: its lines, each wrapped
/// at about [`LINE_CHARS`] characters, 11.5 points a line.
fn text_height(text: &str) -> f64 {
    let lines: usize = text
        .split('\n')
        .map(|l| l.chars().count().div_ceil(LINE_CHARS).max(1))
        .sum();
    (lines as f64 * 11.5 + 4.0).max(MIN_ROW_HEIGHT)
}

/// The formats of one workbook, made once.
struct Formats {
    title: Format,
    header: Format,
    period: Format,
    empty: Format,
    /// Lecture cells by [`Mark`]: none, soft, hard.
    lecture: [Format; 3],
    /// Rows of the `Lectures` sheet by [`Mark`].
    row: [Format; 3],
    legend: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = || {
            Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border(FormatBorder::Thin)
                .set_border_color(GRID_LINE)
                .set_font_size(9)
        };
        let lecture = |bg: u32, fg: Option<u32>| {
            let f = cell().set_background_color(bg);
            match fg {
                Some(fg) => f.set_font_color(fg),
                None => f,
            }
        };
        let row = |bg: Option<(u32, u32)>| match bg {
            Some((bg, fg)) => Format::new().set_background_color(bg).set_font_color(fg),
            None => Format::new(),
        };
        Formats {
            title: Format::new().set_bold().set_font_size(13),
            header: Format::new()
                .set_bold()
                .set_background_color(HEADER_BG)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_border(FormatBorder::Thin)
                .set_border_color(GRID_LINE),
            period: cell().set_bold().set_background_color(HEADER_BG),
            empty: cell(),
            lecture: [
                lecture(LECTURE_BG, None),
                lecture(SOFT_BG, Some(SOFT_FG)),
                lecture(HARD_BG, Some(HARD_FG)).set_bold(),
            ],
            row: [
                row(None),
                row(Some((SOFT_BG, SOFT_FG))),
                row(Some((HARD_BG, HARD_FG))),
            ],
            legend: Format::new().set_italic().set_font_size(9),
        }
    }
}

fn mark_index(m: Mark) -> usize {
    match m {
        Mark::None => 0,
        Mark::Soft => 1,
        Mark::Hard => 2,
    }
}

/// Landscape, one page wide (and, for a grid, one page tall), with the header rows
/// repeated on every printed page.
fn print_setup(sheet: &mut Worksheet, pages_tall: u16, header_rows: u32) -> Result<(), XlsxError> {
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, pages_tall);
    sheet.set_repeat_rows(0, header_rows.saturating_sub(1))?;
    Ok(())
}

/// The workbook of timetable `tt` of `inst`: see the module documentation. Lectures that
/// are not scheduled have no row; lectures are touched by the violations the evaluator
/// finds in `tt` (pins aligned as the page aligns them).
pub fn to_xlsx(inst: &Instance, tt: &Timetable) -> Result<Vec<u8>, WorkbookError> {
    let mut tt = tt.clone();
    tt.align_pins(inst);
    let rows = lecture_rows(inst, &tt);
    let violations: Vec<ViolationReport> = evaluate(inst, &tt)
        .violations
        .iter()
        .map(|v| v.report(inst))
        .collect();
    let marks = lecture_marks(&rows, &violations);
    let f = Formats::new();
    let mut book = Workbook::new();
    let mut names = SheetNames::default();
    lectures_sheet(&mut book, &mut names, &f, &rows, &marks)?;
    for kind in GridKind::ALL {
        for name in kind.names(inst) {
            grid_sheet(&mut book, &mut names, &f, inst, kind, &name, &rows, &marks)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

fn lectures_sheet(
    book: &mut Workbook,
    names: &mut SheetNames,
    f: &Formats,
    rows: &[LectureRow],
    marks: &[LectureMark],
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name(names.name("Lectures"))?;
    for (c, h) in LECTURE_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &f.header)?;
    }
    let time = |m: Option<u32>| m.map(fmt_time).unwrap_or_default();
    for (i, (r, m)) in rows.iter().zip(marks).enumerate() {
        let y = i as u32 + 1;
        let fmt = &f.row[mark_index(m.mark)];
        let text = [
            (0, r.course.clone()),
            (1, r.teacher.clone()),
            (2, r.room.clone()),
            (5, r.curricula.join(";")),
            (6, r.teachers.join(";")),
            (7, r.day_name.clone()),
            (8, r.period_name.clone()),
            (9, time(r.start_min)),
            (10, time(r.end_min)),
            (12, if r.pinned { "yes" } else { "no" }.to_string()),
            (13, m.words()),
        ];
        for (c, s) in text {
            sheet.write_string_with_format(y, c, s, fmt)?;
        }
        for (c, n) in [(3, r.day), (4, r.period), (11, usize::from(r.duration))] {
            sheet.write_number_with_format(y, c, n as f64, fmt)?;
        }
    }
    for (c, w) in [
        28.0, 20.0, 18.0, 6.0, 7.0, 28.0, 28.0, 10.0, 11.0, 7.0, 7.0, 8.0, 7.0, 36.0,
    ]
    .into_iter()
    .enumerate()
    {
        sheet.set_column_width(c as u16, w)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, LECTURE_COLUMNS.len() as u16 - 1)?;
    print_setup(sheet, 0, 1)?;
    Ok(())
}

/// One entity's grid: a title in `A1`, day names in row 2, one row per period (its name
/// and times in column A), a lecture at its first period, merged down over the periods it
/// occupies when no other lecture of this grid shares them.
#[allow(clippy::too_many_arguments)]
fn grid_sheet(
    book: &mut Workbook,
    names: &mut SheetNames,
    f: &Formats,
    inst: &Instance,
    kind: GridKind,
    name: &str,
    rows: &[LectureRow],
    marks: &[LectureMark],
) -> Result<(), XlsxError> {
    let (days, ppd) = (usize::from(inst.days), usize::from(inst.periods_per_day));
    let sheet = book.add_worksheet();
    sheet.set_name(names.name(&format!("{} {name}", kind.word())))?;
    sheet.write_string_with_format(0, 0, format!("{}: {name}", kind.word()), &f.title)?;
    sheet.write_string_with_format(1, 0, "Period", &f.header)?;
    for d in 0..days {
        sheet.write_string_with_format(1, d as u16 + 1, inst.day_name(d), &f.header)?;
    }
    let times = inst
        .calendar()
        .filter(|c| c.periods.len() == ppd)
        .map(|c| c.periods.clone());
    for p in 0..ppd {
        let mut label = inst.period_name(p);
        if let Some(t) = times.as_ref().and_then(|t| t.get(p)) {
            let span = format!(
                "{}–{}",
                fmt_time(u32::from(t.start_min)),
                fmt_time(u32::from(t.end_min))
            );
            // A period named after its start time reads as its span alone.
            label = if label == fmt_time(u32::from(t.start_min)) {
                span
            } else {
                format!("{label}\n{span}")
            };
        }
        sheet.write_string_with_format(p as u32 + 2, 0, label, &f.period)?;
    }
    // Which lectures of this grid occupy each (period, day) cell.
    let mine: Vec<usize> = (0..rows.len())
        .filter(|&i| kind.has(&rows[i], name))
        .collect();
    let span = |r: &LectureRow| r.period..(r.period + usize::from(r.duration.max(1))).min(ppd);
    let mut cells: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); days]; ppd];
    for &i in &mine {
        let r = &rows[i];
        if r.day < days {
            for p in span(r) {
                cells[p][r.day].push(i);
            }
        }
    }
    let mut done = vec![vec![false; days]; ppd];
    for &i in &mine {
        let r = &rows[i];
        let s = span(r);
        if r.day >= days || s.len() < 2 || done[r.period][r.day] {
            continue;
        }
        if s.clone().all(|p| cells[p][r.day] == [i]) {
            let fmt = &f.lecture[mark_index(marks[i].mark)];
            let (y, x) = (r.period as u32 + 2, r.day as u16 + 1);
            sheet.merge_range(
                y,
                x,
                y + s.len() as u32 - 1,
                x,
                &cell_block(kind, r, &marks[i]),
                fmt,
            )?;
            for p in s {
                done[p][r.day] = true;
            }
        }
    }
    // Each period's row is as tall as its fullest cell (Excel does not grow a row whose
    // height is set, and a clash cell holds several lectures).
    let mut heights = vec![MIN_ROW_HEIGHT; ppd];
    for (p, row) in cells.iter().enumerate() {
        for (d, here) in row.iter().enumerate() {
            if done[p][d] {
                continue;
            }
            let (y, x) = (p as u32 + 2, d as u16 + 1);
            if here.is_empty() {
                sheet.write_blank(y, x, &f.empty)?;
                continue;
            }
            let text = here
                .iter()
                .map(|&i| {
                    if rows[i].period == p {
                        cell_block(kind, &rows[i], &marks[i])
                    } else {
                        continuation(&rows[i])
                    }
                })
                .collect::<Vec<_>>()
                .join("\n\n");
            heights[p] = heights[p].max(text_height(&text));
            let worst = here
                .iter()
                .map(|&i| marks[i].mark)
                .max()
                .unwrap_or(Mark::None);
            sheet.write_string_with_format(y, x, text, &f.lecture[mark_index(worst)])?;
        }
    }
    for (p, h) in heights.iter().enumerate() {
        sheet.set_row_height(p as u32 + 2, *h)?;
    }
    sheet.set_column_width(0, 13.0)?;
    for d in 0..days {
        sheet.set_column_width(d as u16 + 1, 24.0)?;
    }
    sheet.write_string_with_format(
        ppd as u32 + 3,
        0,
        "Amber: a soft constraint is violated · red: a hard one (the cell names the rule). \
         A lecture of several periods spans their rows.",
        &f.legend,
    )?;
    sheet.set_freeze_panes(2, 1)?;
    print_setup(sheet, 1, 2)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut n = SheetNames::default();
        assert_eq!(
            n.name("Group CS [1]: a/b*c?d\\e"),
            "Group CS _1__ a_b_c_d_e"
        );
        let long = "Teacher Prof. Dr. Anna-Maria Schneider-Lang";
        let a = n.name(long);
        assert_eq!(a, "Teacher Prof. D… Schneider-Lang");
        assert_eq!(a.chars().count(), 31);
        let b = n.name(long);
        assert_eq!(b, "Teacher Prof.…chneider-Lang (2)");
        assert_eq!(b.chars().count(), 31);
        // Sections differ at the end, and stay apart.
        let c = n.name("Group Computer Science year 2 section A");
        let d = n.name("Group Computer Science year 2 section B");
        assert_eq!(
            (c.as_str(), d.as_str()),
            (
                "Group Computer …ear 2 section A",
                "Group Computer …ear 2 section B"
            )
        );
        // Excel compares names ignoring case.
        assert_eq!(n.name("LECTURES"), "LECTURES");
        assert_eq!(n.name("lectures"), "lectures (2)");
        assert_eq!(n.name("'quoted'"), "quoted");
        assert_eq!(n.name("history"), "Sheet history");
        assert_eq!(n.name("   "), "Sheet");
        // Multi-byte characters count as one.
        let greek = "Ωμέγα".repeat(10);
        assert_eq!(n.name(&greek).chars().count(), 31);
    }
}
