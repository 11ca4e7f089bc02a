//! Resolves a [`CampusDoc`] (names) into an [`Instance`] (dense ids). Every error carries
//! the [`Path`] of the offending element, which the JSON and CSV readers turn into a file,
//! line and column.

use std::collections::HashMap;
use std::fmt;

use super::doc::{CampusDoc, Grid};
use crate::io::ctt::limits;
use crate::model::{
    Calendar, CampusParts, Course, CourseId, Curriculum, CurriculumId, Extension, Instance,
    InstanceParts, PeriodId, PeriodTime, Pin, Room, RoomId, TeacherId,
};

/// One step into the document: an object member or an array element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(&'static str),
    Index(usize),
}

/// Where in the document an element is: `courses[3].teachers[0]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn key(&self, k: &'static str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Key(k));
        p
    }
    pub fn at(&self, i: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

fn root(k: &'static str) -> Path {
    Path(vec![Seg::Key(k)])
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// What is wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    pub path: Path,
    pub message: String,
}

type R<T> = Result<T, BuildError>;

fn err<T>(path: Path, message: impl Into<String>) -> R<T> {
    Err(BuildError {
        path,
        message: message.into(),
    })
}

/// The most teachers, groups or pins an instance may have (dense ids are 16-bit).
const MAX_ENTITIES: u64 = 20_000;
/// The largest weight: costs are 32-bit integers (on the GPU too), so weights stay small.
const MAX_WEIGHT: u64 = 1_000;
/// The largest daily maximum worth writing down.
const MAX_DAILY: u64 = 1_000;

fn bounded(path: Path, what: &str, v: u64, min: u64, max: u64) -> R<u64> {
    if v < min {
        return err(path, format!("{what} must be at least {min}, found {v}"));
    }
    if v > max {
        return err(
            path,
            format!("{what} is {v}, which is more than the supported maximum of {max}"),
        );
    }
    Ok(v)
}

/// "08:00" → minutes after midnight.
pub fn parse_time(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    if !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Minutes after midnight → "08:00".
pub fn format_time(min: u16) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

/// The week's grid with its names, to read period references such as "Mon 08:00".
pub struct Grid2 {
    pub day_names: Vec<String>,
    pub period_names: Vec<String>,
    pub starts: Vec<Option<u16>>,
}

impl Grid2 {
    fn ppd(&self) -> usize {
        self.period_names.len()
    }

    fn slot(&self, s: &str) -> Option<usize> {
        if let Some(i) = self.period_names.iter().position(|n| n == s) {
            return Some(i);
        }
        let t = parse_time(s)?;
        let mut hits = self
            .starts
            .iter()
            .enumerate()
            .filter(|(_, x)| **x == Some(t));
        let first = hits.next()?.0;
        hits.next().is_none().then_some(first)
    }

    fn expected(&self) -> String {
        let days: Vec<&str> = self.day_names.iter().take(7).map(String::as_str).collect();
        let example = format!(
            "{} {}",
            self.day_names.first().map_or("", String::as_str),
            self.period_names.first().map_or("", String::as_str)
        );
        format!(
            "expected \"DAY PERIOD\" such as \"{example}\" (days: {}{}; a period by name or start time)",
            days.join(", "),
            if self.day_names.len() > 7 {
                ", …"
            } else {
                ""
            }
        )
    }

    /// The periods a reference names: "DAY PERIOD" is one period; "DAY" alone (where
    /// `whole_days`) is every period of that day.
    pub fn resolve(&self, s: &str, whole_days: bool) -> Result<Vec<PeriodId>, String> {
        let s = s.trim();
        if let Some(d) = self.day_names.iter().position(|n| n == s) {
            if whole_days {
                return Ok((0..self.ppd())
                    .map(|k| PeriodId((d * self.ppd() + k) as u16))
                    .collect());
            }
            return Err(format!(
                "\"{s}\" is a whole day; one period is needed here, such as \"{s} {}\"",
                self.period_names.first().map_or("", String::as_str)
            ));
        }
        let mut found = Vec::new();
        for (d, name) in self.day_names.iter().enumerate() {
            if let Some(rest) = s.strip_prefix(name.as_str())
                && rest.starts_with(char::is_whitespace)
                && let Some(k) = self.slot(rest.trim())
            {
                found.push(PeriodId((d * self.ppd() + k) as u16));
            }
        }
        match found.len() {
            1 => Ok(found),
            0 => Err(format!("no period \"{s}\": {}", self.expected())),
            _ => Err(format!(
                "\"{s}\" could mean {} different periods (rename a day or a period)",
                found.len()
            )),
        }
    }

    /// How `p` is written: "DAY PERIOD".
    pub fn name(&self, p: PeriodId) -> String {
        let ppd = self.ppd();
        format!(
            "{} {}",
            self.day_names[p.idx() / ppd],
            self.period_names[p.idx() % ppd]
        )
    }
}

fn names<'a>(
    path: &Path,
    what: &str,
    items: impl Iterator<Item = &'a str>,
) -> R<HashMap<&'a str, usize>> {
    let mut map = HashMap::new();
    for (i, n) in items.enumerate() {
        let p = path.at(i);
        if n.trim().is_empty() {
            return err(p.key("name"), format!("the {what} name is empty"));
        }
        if n.trim() != n {
            return err(
                p.key("name"),
                format!("the {what} name \"{n}\" starts or ends with a space"),
            );
        }
        if let Some(c) = n.chars().find(|c| c.is_control()) {
            return err(
                p.key("name"),
                format!(
                    "the {what} name \"{n}\" holds a control character ({})",
                    c.escape_unicode()
                ),
            );
        }
        if let Some(first) = map.insert(n, i) {
            return err(
                p.key("name"),
                format!("{what} \"{n}\" is defined twice (first as {path}[{first}])"),
            );
        }
    }
    Ok(map)
}

fn lookup<T: Copy>(
    map: &HashMap<&str, usize>,
    name: &str,
    what: &str,
    path: Path,
    wrap: impl Fn(usize) -> T,
) -> R<T> {
    match map.get(name) {
        Some(&i) => Ok(wrap(i)),
        None => err(path, format!("no {what} named \"{name}\"")),
    }
}

/// Builds the calendar and the grid of names from `days` and `periods`.
fn grid(doc: &CampusDoc) -> R<(u16, u16, Option<Calendar>, Grid2)> {
    match (&doc.days, &doc.periods) {
        (Grid::Count(d), Grid::Count(p)) => {
            let d = bounded(root("days"), "the number of days", *d, 1, limits::DAYS)? as usize;
            let p = bounded(
                root("periods"),
                "the number of periods per day",
                *p,
                1,
                limits::PERIODS_PER_DAY,
            )? as usize;
            let g = Grid2 {
                day_names: (1..=d).map(|i| format!("Day {i}")).collect(),
                period_names: (1..=p).map(|i| format!("Period {i}")).collect(),
                starts: vec![None; p],
            };
            Ok((d as u16, p as u16, None, g))
        }
        (Grid::Named(days), Grid::Named(periods)) => {
            bounded(
                root("days"),
                "the number of days",
                days.len() as u64,
                1,
                limits::DAYS,
            )?;
            bounded(
                root("periods"),
                "the number of periods per day",
                periods.len() as u64,
                1,
                limits::PERIODS_PER_DAY,
            )?;
            for (i, d) in days.iter().enumerate() {
                if d.trim().is_empty() || d.trim() != d || d.chars().any(char::is_control) {
                    return err(
                        root("days").at(i),
                        format!("a day name must be a non-empty word, found \"{d}\""),
                    );
                }
                if let Some(j) = days[..i].iter().position(|x| x == d) {
                    return err(
                        root("days").at(i),
                        format!("day \"{d}\" is named twice (first as days[{j}])"),
                    );
                }
            }
            let mut times = Vec::with_capacity(periods.len());
            for (i, p) in periods.iter().enumerate() {
                let at = root("periods").at(i);
                let start = parse_time(&p.start).ok_or_else(|| BuildError {
                    path: at.key("start"),
                    message: format!("expected a time such as \"08:00\", found \"{}\"", p.start),
                })?;
                let end = parse_time(&p.end).ok_or_else(|| BuildError {
                    path: at.key("end"),
                    message: format!("expected a time such as \"08:50\", found \"{}\"", p.end),
                })?;
                if end <= start {
                    return err(
                        at.key("end"),
                        format!("the period ends at {} but starts at {}", p.end, p.start),
                    );
                }
                let name = p.name.clone().unwrap_or_else(|| format_time(start));
                if name.trim().is_empty()
                    || name.trim() != name
                    || name.chars().any(char::is_control)
                {
                    return err(
                        at.key("name"),
                        format!("a period name must be a non-empty word, found \"{name}\""),
                    );
                }
                if let Some(j) = times.iter().position(|t: &PeriodTime| t.name == name) {
                    return err(
                        at,
                        format!("period \"{name}\" is named twice (first as periods[{j}])"),
                    );
                }
                times.push(PeriodTime {
                    name,
                    start_min: start,
                    end_min: end,
                });
            }
            let g = Grid2 {
                day_names: days.clone(),
                period_names: times.iter().map(|t| t.name.clone()).collect(),
                starts: times.iter().map(|t| Some(t.start_min)).collect(),
            };
            let cal = Calendar {
                day_names: days.clone(),
                periods: times,
            };
            Ok((days.len() as u16, periods.len() as u16, Some(cal), g))
        }
        (Grid::Count(_), Grid::Named(_)) => err(
            root("days"),
            "days must be a list of names when periods are a list (or both counts)",
        ),
        (Grid::Named(_), Grid::Count(_)) => err(
            root("periods"),
            "periods must be a list when days are a list of names (or both counts)",
        ),
    }
}

fn periods_of(g: &Grid2, list: &[String], path: &Path) -> R<Vec<PeriodId>> {
    let mut out = Vec::new();
    for (i, s) in list.iter().enumerate() {
        match g.resolve(s, true) {
            Ok(v) => out.extend(v),
            Err(m) => return err(path.at(i), m),
        }
    }
    Ok(out)
}

fn daily(path: Path, v: Option<u64>) -> R<Option<u16>> {
    v.map(|m| bounded(path, "the daily maximum", m, 0, MAX_DAILY).map(|m| m as u16))
        .transpose()
}

/// The opening of one entity list (`teachers`, `rooms`, …): its path, after checking its
/// length is at most `max`; the names of its entries when it has any.
fn opening(key: &'static str, what: &str, n: usize, max: u64) -> R<Path> {
    let path = root(key);
    bounded(
        path.clone(),
        &format!("the number of {what}s"),
        n as u64,
        0,
        max,
    )?;
    Ok(path)
}

/// [`opening`] of a named entity list, with its index by name (each name checked).
fn named<'a, T>(
    key: &'static str,
    what: &str,
    max: u64,
    items: &'a [T],
    name: impl Fn(&'a T) -> &'a str,
) -> R<(Path, HashMap<&'a str, usize>)> {
    let path = opening(key, what, items.len(), max)?;
    let ix = names(&path, what, items.iter().map(name))?;
    Ok((path, ix))
}

/// Resolves every name of `doc`: one function per entity list, in dependency order.
pub fn build(doc: &CampusDoc) -> R<Instance> {
    let (days, ppd, calendar, g) = grid(doc)?;
    let mut campus = CampusParts {
        calendar,
        ..Default::default()
    };
    let teacher_ix = teachers(doc, &g, &mut campus)?;
    let (mut rooms, room_ix) = rooms(doc, &g, &mut campus)?;
    let (mut courses, course_ix, unavailable) = courses(doc, &g, ppd, &teacher_ix, &room_ix)?;
    let curricula = groups(doc, &course_ix, &mut campus)?;
    campus.pins = pins(doc, &g, ppd, &courses, &course_ix, &room_ix)?;
    if let Some(w) = doc.weights {
        let all = [
            ("room_capacity", w.room_capacity),
            ("min_working_days", w.min_working_days),
            ("curriculum_compactness", w.curriculum_compactness),
            ("room_stability", w.room_stability),
            ("teacher_preference", w.teacher_preference),
            ("daily_limit", w.daily_limit),
            ("changes", w.changes),
        ];
        for (k, v) in all {
            bounded(root("weights").key(k), "a weight", v as u64, 0, MAX_WEIGHT)?;
        }
        campus.weights = w;
    }
    let extension = ectt(doc, &mut courses, &mut rooms, &course_ix, &room_ix)?;

    Instance::new(InstanceParts {
        name: doc.name.clone(),
        days,
        periods_per_day: ppd,
        teachers: doc.teachers.iter().map(|t| t.name.clone()).collect(),
        courses,
        rooms,
        curricula,
        unavailable,
        extension,
        campus,
    })
    .map_err(|e| BuildError {
        path: Path::default(),
        message: e.to_string(),
    })
}

/// `teachers`: their unavailable and preferred periods and daily maxima go to `campus`.
fn teachers<'a>(
    doc: &'a CampusDoc,
    g: &Grid2,
    campus: &mut CampusParts,
) -> R<HashMap<&'a str, usize>> {
    let (tp, teacher_ix) = named("teachers", "teacher", MAX_ENTITIES, &doc.teachers, |t| {
        t.name.as_str()
    })?;
    for (i, t) in doc.teachers.iter().enumerate() {
        let id = TeacherId(i as u16);
        let at = tp.at(i);
        for p in periods_of(g, &t.unavailable, &at.key("unavailable"))? {
            campus.teacher_unavailable.push((id, p));
        }
        for p in periods_of(g, &t.preferred, &at.key("preferred"))? {
            campus.teacher_preferred.push((id, p));
        }
        if let Some(m) = daily(at.key("max_daily"), t.max_daily)? {
            campus.teacher_max_daily.push((id, m));
        }
    }
    Ok(teacher_ix)
}

/// `rooms`: their closures go to `campus`.
fn rooms<'a>(
    doc: &'a CampusDoc,
    g: &Grid2,
    campus: &mut CampusParts,
) -> R<(Vec<Room>, HashMap<&'a str, usize>)> {
    let (rp, room_ix) = named("rooms", "room", limits::ROOMS, &doc.rooms, |r| {
        r.name.as_str()
    })?;
    let mut rooms = Vec::with_capacity(doc.rooms.len());
    for (i, r) in doc.rooms.iter().enumerate() {
        let at = rp.at(i);
        let capacity = bounded(
            at.key("capacity"),
            "the capacity",
            r.capacity,
            0,
            limits::CAPACITY,
        )?;
        for p in periods_of(g, &r.unavailable, &at.key("unavailable"))? {
            campus.room_unavailable.push((RoomId(i as u16), p));
        }
        rooms.push(Room {
            name: r.name.clone(),
            capacity: capacity as u32,
            building: None,
        });
    }
    Ok((rooms, room_ix))
}

/// The courses, their index by name and their unavailable periods.
type Courses<'a> = (
    Vec<Course>,
    HashMap<&'a str, usize>,
    Vec<(CourseId, PeriodId)>,
);

/// `courses`: teachers (the first is the main one), counts, duration, suitable rooms and
/// unavailable periods.
fn courses<'a>(
    doc: &'a CampusDoc,
    g: &Grid2,
    ppd: u16,
    teacher_ix: &HashMap<&str, usize>,
    room_ix: &HashMap<&str, usize>,
) -> R<Courses<'a>> {
    let (cp, course_ix) = named("courses", "course", limits::COURSES, &doc.courses, |c| {
        c.name.as_str()
    })?;
    let mut courses = Vec::with_capacity(doc.courses.len());
    let mut unavailable = Vec::new();
    for (i, c) in doc.courses.iter().enumerate() {
        let at = cp.at(i);
        if c.teachers.is_empty() {
            return err(at.key("teachers"), "a course needs at least one teacher");
        }
        let mut ts: Vec<TeacherId> = Vec::with_capacity(c.teachers.len());
        for (j, t) in c.teachers.iter().enumerate() {
            let id = lookup(teacher_ix, t, "teacher", at.key("teachers").at(j), |k| {
                TeacherId(k as u16)
            })?;
            // A teacher listed twice is kept (the model allows it: their preferences then
            // count twice), so that every instance survives a round trip.
            ts.push(id);
        }
        let lectures = bounded(
            at.key("lectures"),
            "the number of lectures",
            c.lectures,
            0,
            limits::LECTURES_PER_COURSE,
        )?;
        let duration = bounded(
            at.key("duration"),
            "the duration",
            c.duration,
            1,
            ppd as u64,
        )
        .map_err(|mut e| {
            if c.duration > ppd as u64 {
                e.message = format!(
                    "the duration is {} periods, but a day has only {ppd}",
                    c.duration
                );
            }
            e
        })?;
        let students = bounded(
            at.key("students"),
            "the number of students",
            c.students,
            0,
            limits::STUDENTS,
        )?;
        let min_days = bounded(
            at.key("min_days"),
            "the minimum working days",
            c.min_days,
            0,
            limits::MIN_WORKING_DAYS,
        )?;
        let suitable = suitable_rooms(doc, i, room_ix)?;
        for p in periods_of(g, &c.unavailable, &at.key("unavailable"))? {
            unavailable.push((CourseId(i as u16), p));
        }
        courses.push(Course {
            duration: duration as u16,
            co_teachers: ts[1..].to_vec(),
            rooms: suitable,
            ..Course::cbctt(
                c.name.clone(),
                ts[0],
                lectures as u16,
                min_days as u16,
                students as u32,
            )
        });
    }
    Ok((courses, course_ix, unavailable))
}

/// `groups` (curricula): their courses as a set; daily maxima go to `campus`.
fn groups(
    doc: &CampusDoc,
    course_ix: &HashMap<&str, usize>,
    campus: &mut CampusParts,
) -> R<Vec<Curriculum>> {
    let (gp, _) = named("groups", "group", limits::CURRICULA, &doc.groups, |x| {
        x.name.as_str()
    })?;
    let mut curricula = Vec::with_capacity(doc.groups.len());
    for (i, grp) in doc.groups.iter().enumerate() {
        let at = gp.at(i);
        let mut members: Vec<CourseId> = Vec::with_capacity(grp.courses.len());
        for (j, c) in grp.courses.iter().enumerate() {
            let id = lookup(course_ix, c, "course", at.key("courses").at(j), |k| {
                CourseId(k as u16)
            })?;
            // Membership is a set, as in `.ctt`.
            if !members.contains(&id) {
                members.push(id);
            }
        }
        if let Some(m) = daily(at.key("max_daily"), grp.max_daily)? {
            campus
                .curriculum_max_daily
                .push((CurriculumId(i as u16), m));
        }
        curricula.push(Curriculum {
            name: grp.name.clone(),
            courses: members,
        });
    }
    Ok(curricula)
}

/// `pins`: each names a course and a period, a room or both; a pinned period must leave the
/// lecture inside its day, a pinned room must suit the course, and a course has at most one
/// pin per lecture.
fn pins(
    doc: &CampusDoc,
    g: &Grid2,
    ppd: u16,
    courses: &[Course],
    course_ix: &HashMap<&str, usize>,
    room_ix: &HashMap<&str, usize>,
) -> R<Vec<Pin>> {
    let pp = opening("pins", "pin", doc.pins.len(), MAX_ENTITIES)?;
    let mut pins = Vec::with_capacity(doc.pins.len());
    let mut pinned = vec![0u64; courses.len()];
    for (i, pin) in doc.pins.iter().enumerate() {
        let at = pp.at(i);
        let c = lookup(course_ix, &pin.course, "course", at.key("course"), |k| {
            CourseId(k as u16)
        })?;
        let course = &courses[c.idx()];
        if pin.period.is_none() && pin.room.is_none() {
            return err(at, "a pin needs a period, a room or both");
        }
        let period = match &pin.period {
            None => None,
            Some(s) => {
                let p = g
                    .resolve(s, false)
                    .map_err(|m| BuildError {
                        path: at.key("period"),
                        message: m,
                    })?
                    .remove(0);
                if p.idx() % ppd as usize + course.duration as usize > ppd as usize {
                    return err(
                        at.key("period"),
                        format!(
                            "a {}-period lecture of \"{}\" starting at \"{s}\" would run past the end of the day",
                            course.duration, course.name
                        ),
                    );
                }
                Some(p)
            }
        };
        let room = match &pin.room {
            None => None,
            Some(s) => {
                let r = lookup(room_ix, s, "room", at.key("room"), |k| RoomId(k as u16))?;
                if course.rooms.as_ref().is_some_and(|l| !l.contains(&r)) {
                    return err(
                        at.key("room"),
                        format!(
                            "room \"{s}\" does not suit course \"{}\" (its room type or features)",
                            course.name
                        ),
                    );
                }
                Some(r)
            }
        };
        pinned[c.idx()] += 1;
        if pinned[c.idx()] > course.lectures as u64 {
            return err(
                at,
                format!(
                    "course \"{}\" has {} lecture(s) a week but this is its pin number {}",
                    course.name,
                    course.lectures,
                    pinned[c.idx()]
                ),
            );
        }
        pins.push(Pin {
            course: c,
            period,
            room,
        });
    }
    Ok(pins)
}

/// `ectt`: the `.ectt` extras (daily lecture bounds, room constraints); its double-lecture
/// flags and buildings are written into `courses` and `rooms`.
fn ectt(
    doc: &CampusDoc,
    courses: &mut [Course],
    rooms: &mut [Room],
    course_ix: &HashMap<&str, usize>,
    room_ix: &HashMap<&str, usize>,
) -> R<Option<Extension>> {
    let Some(e) = &doc.ectt else {
        return Ok(None);
    };
    let ep = root("ectt");
    let min = bounded(
        ep.key("min_daily_lectures"),
        "the minimum daily lectures",
        e.min_daily_lectures,
        0,
        limits::LECTURES_PER_COURSE,
    )?;
    let max = bounded(
        ep.key("max_daily_lectures"),
        "the maximum daily lectures",
        e.max_daily_lectures,
        0,
        limits::LECTURES_PER_COURSE,
    )?;
    let mut room_constraints = Vec::with_capacity(e.room_constraints.len());
    for (i, rc) in e.room_constraints.iter().enumerate() {
        let at = ep.key("room_constraints").at(i);
        let c = lookup(course_ix, &rc.course, "course", at.key("course"), |k| {
            CourseId(k as u16)
        })?;
        let r = lookup(room_ix, &rc.room, "room", at.key("room"), |k| {
            RoomId(k as u16)
        })?;
        room_constraints.push((c, r));
    }
    for (i, c) in e.double_lectures.iter().enumerate() {
        let k = lookup(
            course_ix,
            c,
            "course",
            ep.key("double_lectures").at(i),
            |k| k,
        )?;
        courses[k].double_lectures = true;
    }
    for (room, b) in &e.buildings {
        let at = ep.key("buildings");
        let k = lookup(room_ix, room, "room", at.clone(), |k| k)?;
        let b = bounded(at, "the building", *b, 0, limits::BUILDING)?;
        rooms[k].building = Some(b as u32);
    }
    Ok(Some(Extension {
        min_daily_lectures: min as u16,
        max_daily_lectures: max as u16,
        room_constraints,
    }))
}

/// The rooms course `i` may use: its `rooms` list (or all rooms), narrowed to its
/// `room_type` and `features`. `None` when the course states none of them (any room).
fn suitable_rooms(
    doc: &CampusDoc,
    i: usize,
    room_ix: &HashMap<&str, usize>,
) -> R<Option<Vec<RoomId>>> {
    let c = &doc.courses[i];
    let at = root("courses").at(i);
    if c.rooms.is_none() && c.room_type.is_none() && c.features.is_empty() {
        return Ok(None);
    }
    let mut list: Vec<usize> = match &c.rooms {
        None => (0..doc.rooms.len()).collect(),
        Some(names) => {
            let mut v = Vec::with_capacity(names.len());
            for (j, n) in names.iter().enumerate() {
                let k = lookup(room_ix, n, "room", at.key("rooms").at(j), |k| k)?;
                if !v.contains(&k) {
                    v.push(k);
                }
            }
            v.sort_unstable();
            v
        }
    };
    if let Some(t) = &c.room_type {
        list.retain(|&r| doc.rooms[r].kind.as_deref() == Some(t.as_str()));
    }
    list.retain(|&r| c.features.iter().all(|f| doc.rooms[r].features.contains(f)));
    if list.is_empty() {
        let mut want = Vec::new();
        if let Some(t) = &c.room_type {
            want.push(format!("type \"{t}\""));
        }
        if !c.features.is_empty() {
            want.push(format!("features {}", c.features.join(", ")));
        }
        if c.rooms.is_some() {
            want.push("one of its listed rooms".to_string());
        }
        let key = if c.room_type.is_some() {
            "room_type"
        } else if !c.features.is_empty() {
            "features"
        } else {
            "rooms"
        };
        return err(
            at.key(key),
            format!(
                "no room suits course \"{}\": it needs {}",
                c.name,
                want.join(" and ")
            ),
        );
    }
    Ok(Some(list.into_iter().map(|r| RoomId(r as u16)).collect()))
}
