//! Reader for ITC-2007 `.ctt` instances and the extended `.ectt` format (see
//! `instances/FORMAT.md`). Token based like the official reader; strict about everything
//! else: counts must match the sections, every reference must resolve, every number must be
//! a number within [`limits`].

use std::collections::HashMap;

use super::error::{ParseError, ParseErrorKind};
use super::tokens::{Token, decode, last_line, parse_uint, tokenize};
use crate::model::{
    Course, CourseId, Curriculum, Extension, Instance, InstanceParts, PeriodId, Room, RoomId,
    TeacherId,
};

/// Upper bounds beyond which a number is taken to be a mistake rather than data. They are
/// far above any real timetable and keep every dense id inside its integer type.
pub mod limits {
    pub const COURSES: u64 = 10_000;
    pub const ROOMS: u64 = 2_000;
    pub const DAYS: u64 = 31;
    pub const PERIODS_PER_DAY: u64 = 96;
    pub const CURRICULA: u64 = 20_000;
    pub const LECTURES_PER_COURSE: u64 = 1_000;
    pub const MIN_WORKING_DAYS: u64 = 1_000;
    pub const STUDENTS: u64 = 1_000_000;
    pub const CAPACITY: u64 = 1_000_000;
    pub const CONSTRAINTS: u64 = 10_000_000;
    pub const BUILDING: u64 = 1_000_000;
}

const SECTION_KEYWORDS: &[&str] = &[
    "COURSES:",
    "ROOMS:",
    "CURRICULA:",
    "UNAVAILABILITY_CONSTRAINTS:",
    "ROOM_CONSTRAINTS:",
    "END.",
];

struct Reader<'a> {
    toks: Vec<Token<'a>>,
    pos: usize,
    file: &'a str,
    last_line: u32,
}

impl<'a> Reader<'a> {
    fn err(&self, line: u32, kind: ParseErrorKind) -> ParseError {
        ParseError::new(self.file, line, kind)
    }

    fn peek(&self) -> Option<Token<'a>> {
        self.toks.get(self.pos).copied()
    }

    fn next(&mut self, expected: &str) -> Result<Token<'a>, ParseError> {
        match self.peek() {
            Some(t) => {
                self.pos += 1;
                Ok(t)
            }
            None => Err(self.err(
                self.last_line,
                ParseErrorKind::UnexpectedEnd {
                    expected: expected.to_string(),
                },
            )),
        }
    }

    /// The next token, which must not be a section keyword (a field, not a heading).
    fn field(&mut self, expected: &str) -> Result<Token<'a>, ParseError> {
        let t = self.next(expected)?;
        if SECTION_KEYWORDS.contains(&t.text) {
            return Err(self.err(
                t.line,
                ParseErrorKind::Expected {
                    expected: expected.to_string(),
                    found: t.text.to_string(),
                },
            ));
        }
        Ok(t)
    }

    fn keyword(&mut self, kw: &str) -> Result<Token<'a>, ParseError> {
        let t = self.next(&format!("'{kw}'"))?;
        if t.text != kw {
            return Err(self.err(
                t.line,
                ParseErrorKind::Expected {
                    expected: format!("'{kw}'"),
                    found: t.text.to_string(),
                },
            ));
        }
        Ok(t)
    }

    fn uint(&mut self, what: &str, max: u64) -> Result<u64, ParseError> {
        let t = self.next(what)?;
        parse_uint(t, what, max, self.file)
    }

    fn header_uint(&mut self, key: &str, what: &str, max: u64) -> Result<u64, ParseError> {
        self.keyword(key)?;
        self.uint(what, max)
    }

    /// The first token of record `found + 1` of a section declared to hold `declared`.
    fn record_start(
        &mut self,
        what: &'static str,
        section: &'static str,
        declared: usize,
        found: usize,
    ) -> Result<Token<'a>, ParseError> {
        let t = self.next(&format!("entry {} of {declared} in {section}", found + 1))?;
        if SECTION_KEYWORDS.contains(&t.text) {
            return Err(self.err(
                t.line,
                ParseErrorKind::SectionTooShort {
                    what,
                    section,
                    declared,
                    found,
                    token: t.text.to_string(),
                },
            ));
        }
        Ok(t)
    }

    /// The keyword that must follow a complete section.
    fn section_end(
        &mut self,
        kw: &'static str,
        what: &'static str,
        section_declared: usize,
    ) -> Result<(), ParseError> {
        let t = self.next(&format!("'{kw}'"))?;
        if t.text == kw {
            return Ok(());
        }
        let kind = if looks_like_heading(t.text) {
            ParseErrorKind::Expected {
                expected: format!("'{kw}'"),
                found: t.text.to_string(),
            }
        } else {
            ParseErrorKind::SectionTooLong {
                what,
                section: kw,
                declared: section_declared,
                token: t.text.to_string(),
            }
        };
        Err(self.err(t.line, kind))
    }
}

/// A section keyword, or something meant as one (`rooms:`, `COURSE:`, `End`): worth
/// "expected 'X', found 'Y'" rather than a hint about the header's counts. Record fields
/// never end with ':'.
fn looks_like_heading(t: &str) -> bool {
    SECTION_KEYWORDS.contains(&t)
        || t.ends_with(':')
        || t.eq_ignore_ascii_case("END.")
        || t.eq_ignore_ascii_case("END")
}

fn check_min(r: &Reader<'_>, line: u32, what: &str, v: u64, min: u64) -> Result<(), ParseError> {
    if v < min {
        return Err(r.err(
            line,
            ParseErrorKind::TooSmall {
                what: what.to_string(),
                found: v,
                min,
            },
        ));
    }
    Ok(())
}

/// Parses a `.ctt` or `.ectt` instance (the header tells which). `file` is only used in
/// error messages. One function per section, in file order.
pub fn parse_instance(bytes: &[u8], file: &str) -> Result<Instance, ParseError> {
    let text = decode(bytes, file)?;
    let toks = tokenize(text);
    if toks.is_empty() {
        return Err(ParseError::new(
            file,
            1,
            ParseErrorKind::Empty {
                expected: "an ITC-2007 instance starting with 'Name:'",
            },
        ));
    }
    let mut r = Reader {
        toks,
        pos: 0,
        file,
        last_line: last_line(text),
    };
    let h = header(&mut r)?;
    let cs = courses(&mut r, &h)?;
    let (rooms, room_index) = rooms(&mut r, &h)?;
    let curricula = curricula(&mut r, &h, &cs.index)?;
    let unavailable = unavailability(&mut r, &h, &cs.index)?;
    let extension = room_constraints_and_end(&mut r, &h, &cs.index, &room_index)?;

    let last = r.last_line;
    Instance::new(InstanceParts {
        name: h.name,
        days: h.days as u16,
        periods_per_day: h.ppd as u16,
        teachers: cs.teachers,
        courses: cs.courses,
        rooms,
        curricula,
        unavailable,
        extension,
        campus: Default::default(),
    })
    .map_err(|e| ParseError::new(file, last, e.into()))
}

/// The header: name and the counts of every section; `.ectt` when it has
/// `Min_Max_Daily_Lectures:`.
struct Header {
    name: String,
    n_courses: usize,
    n_rooms: usize,
    days: u64,
    ppd: u64,
    n_curricula: usize,
    n_constraints: usize,
    /// `.ectt` only: the minimum and maximum daily lectures.
    daily: Option<(u16, u16)>,
    n_room_constraints: usize,
}

impl Header {
    fn extended(&self) -> bool {
        self.daily.is_some()
    }
}

fn header(r: &mut Reader<'_>) -> Result<Header, ParseError> {
    r.keyword("Name:")?;
    let name = r.field("the instance name")?.text.to_string();
    let n_courses = r.header_uint("Courses:", "the number of courses", limits::COURSES)? as usize;
    let n_rooms = r.header_uint("Rooms:", "the number of rooms", limits::ROOMS)? as usize;
    let days_line = r.peek().map_or(r.last_line, |t| t.line);
    let days = r.header_uint("Days:", "the number of days", limits::DAYS)?;
    check_min(r, days_line, "the number of days", days, 1)?;
    let ppd_line = r.peek().map_or(r.last_line, |t| t.line);
    let ppd = r.header_uint(
        "Periods_per_day:",
        "the number of periods per day",
        limits::PERIODS_PER_DAY,
    )?;
    check_min(r, ppd_line, "the number of periods per day", ppd, 1)?;
    let n_curricula =
        r.header_uint("Curricula:", "the number of curricula", limits::CURRICULA)? as usize;
    let extended = matches!(r.peek(), Some(t) if t.text == "Min_Max_Daily_Lectures:");
    let (n_constraints, daily, n_room_constraints) = if extended {
        r.keyword("Min_Max_Daily_Lectures:")?;
        let min = r.uint("the minimum daily lectures", limits::LECTURES_PER_COURSE)?;
        let max = r.uint("the maximum daily lectures", limits::LECTURES_PER_COURSE)?;
        let n = r.header_uint(
            "UnavailabilityConstraints:",
            "the number of unavailability constraints",
            limits::CONSTRAINTS,
        )?;
        let rc = r.header_uint(
            "RoomConstraints:",
            "the number of room constraints",
            limits::CONSTRAINTS,
        )?;
        (n as usize, Some((min as u16, max as u16)), rc as usize)
    } else {
        let n = r.header_uint(
            "Constraints:",
            "the number of unavailability constraints",
            limits::CONSTRAINTS,
        )?;
        (n as usize, None, 0)
    };
    Ok(Header {
        name,
        n_courses,
        n_rooms,
        days,
        ppd,
        n_curricula,
        n_constraints,
        daily,
        n_room_constraints,
    })
}

/// The COURSES section: the courses, their ids by name (with the line that declared them)
/// and the teachers they name, in order of first mention.
struct Courses<'a> {
    courses: Vec<Course>,
    index: Index<'a, CourseId>,
    teachers: Vec<String>,
}

fn courses<'a>(r: &mut Reader<'a>, h: &Header) -> Result<Courses<'a>, ParseError> {
    let n_courses = h.n_courses;
    r.keyword("COURSES:")?;
    let mut courses = Vec::with_capacity(n_courses.min(1024));
    let mut course_index: HashMap<&str, (CourseId, u32)> = HashMap::new();
    let mut teachers: Vec<String> = Vec::new();
    let mut teacher_index: HashMap<&str, TeacherId> = HashMap::new();
    for i in 0..n_courses {
        let id = r.record_start("courses", "COURSES:", n_courses, i)?;
        let teacher = r.field(&format!("the teacher of course {}", id.text))?;
        let lectures = r.uint(
            &format!("the number of lectures of course {}", id.text),
            limits::LECTURES_PER_COURSE,
        )?;
        let mwd = r.uint(
            &format!("the minimum working days of course {}", id.text),
            limits::MIN_WORKING_DAYS,
        )?;
        let students = r.uint(
            &format!("the number of students of course {}", id.text),
            limits::STUDENTS,
        )?;
        let double = if h.extended() {
            let t = r.next(&format!("the double-lectures flag of course {}", id.text))?;
            parse_uint(
                t,
                &format!("the double-lectures flag (0 or 1) of course {}", id.text),
                1,
                r.file,
            )? == 1
        } else {
            false
        };
        if let Some(&(_, first_line)) = course_index.get(id.text) {
            return Err(r.err(
                id.line,
                ParseErrorKind::Duplicate {
                    what: "course",
                    id: id.text.to_string(),
                    first_line,
                },
            ));
        }
        course_index.insert(id.text, (CourseId(i as u16), id.line));
        let next_teacher = TeacherId(teachers.len() as u16);
        let t = *teacher_index.entry(teacher.text).or_insert_with(|| {
            teachers.push(teacher.text.to_string());
            next_teacher
        });
        courses.push(Course {
            name: id.text.to_string(),
            teacher: t,
            lectures: lectures as u16,
            min_working_days: mwd as u16,
            students: students as u32,
            double_lectures: double,
            duration: 1,
            co_teachers: Vec::new(),
            rooms: None,
        });
    }
    r.section_end("ROOMS:", "courses", n_courses)?;
    Ok(Courses {
        courses,
        index: course_index,
        teachers,
    })
}

/// Ids by name, with the line that declared each (for "first declared on line N").
type Index<'a, Id> = HashMap<&'a str, (Id, u32)>;

/// The ROOMS section: the rooms and their ids by name.
fn rooms<'a>(r: &mut Reader<'a>, h: &Header) -> Result<(Vec<Room>, Index<'a, RoomId>), ParseError> {
    let n_rooms = h.n_rooms;
    let mut rooms = Vec::with_capacity(n_rooms.min(1024));
    let mut room_index: HashMap<&str, (RoomId, u32)> = HashMap::new();
    for i in 0..n_rooms {
        let id = r.record_start("rooms", "ROOMS:", n_rooms, i)?;
        let capacity = r.uint(
            &format!("the capacity of room {}", id.text),
            limits::CAPACITY,
        )?;
        let building = if h.extended() {
            Some(r.uint(
                &format!("the building of room {}", id.text),
                limits::BUILDING,
            )? as u32)
        } else {
            None
        };
        if let Some(&(_, first_line)) = room_index.get(id.text) {
            return Err(r.err(
                id.line,
                ParseErrorKind::Duplicate {
                    what: "room",
                    id: id.text.to_string(),
                    first_line,
                },
            ));
        }
        room_index.insert(id.text, (RoomId(i as u16), id.line));
        rooms.push(Room {
            name: id.text.to_string(),
            capacity: capacity as u32,
            building,
        });
    }
    r.section_end("CURRICULA:", "rooms", n_rooms)?;
    Ok((rooms, room_index))
}

/// The CURRICULA section; a course listed twice in one curriculum counts once, as in the
/// validator.
fn curricula(
    r: &mut Reader<'_>,
    h: &Header,
    course_index: &Index<'_, CourseId>,
) -> Result<Vec<Curriculum>, ParseError> {
    let n_curricula = h.n_curricula;
    let mut curricula = Vec::with_capacity(n_curricula.min(1024));
    let mut curriculum_index: HashMap<&str, u32> = HashMap::new();
    // `last_in[c]`: the last curriculum that listed course `c`, so a repeated member is
    // found in O(1) (a scan of the members so far made a curriculum of k courses cost k²).
    let mut last_in: Vec<usize> = vec![usize::MAX; h.n_courses];
    for i in 0..n_curricula {
        let id = r.record_start("curricula", "CURRICULA:", n_curricula, i)?;
        let k = r.uint(
            &format!("the number of courses in curriculum {}", id.text),
            h.n_courses as u64,
        )? as usize;
        let mut members: Vec<CourseId> = Vec::with_capacity(k);
        for j in 0..k {
            let t = r.field(&format!(
                "course {} of {k} in curriculum {}",
                j + 1,
                id.text
            ))?;
            let Some(&(c, _)) = course_index.get(t.text) else {
                return Err(r.err(
                    t.line,
                    ParseErrorKind::UnknownCourse {
                        context: format!("curriculum {}", id.text),
                        id: t.text.to_string(),
                    },
                ));
            };
            // Membership is a set, as in the validator.
            if last_in[c.idx()] != i {
                last_in[c.idx()] = i;
                members.push(c);
            }
        }
        if let Some(&first_line) = curriculum_index.get(id.text) {
            return Err(r.err(
                id.line,
                ParseErrorKind::Duplicate {
                    what: "curriculum",
                    id: id.text.to_string(),
                    first_line,
                },
            ));
        }
        curriculum_index.insert(id.text, id.line);
        curricula.push(Curriculum {
            name: id.text.to_string(),
            courses: members,
        });
    }
    r.section_end("UNAVAILABILITY_CONSTRAINTS:", "curricula", n_curricula)?;
    Ok(curricula)
}

/// The UNAVAILABILITY_CONSTRAINTS section: (course, period) pairs.
fn unavailability(
    r: &mut Reader<'_>,
    h: &Header,
    course_index: &Index<'_, CourseId>,
) -> Result<Vec<(CourseId, PeriodId)>, ParseError> {
    let (days, ppd, n_constraints) = (h.days, h.ppd, h.n_constraints);
    let file = r.file;
    let mut unavailable = Vec::with_capacity(n_constraints.min(1 << 16));
    for i in 0..n_constraints {
        let id = r.record_start(
            "unavailability constraints",
            "UNAVAILABILITY_CONSTRAINTS:",
            n_constraints,
            i,
        )?;
        let context = format!("unavailability constraint {} ({})", i + 1, id.text);
        let day_tok = r.next(&format!("the day of {context}"))?;
        let day = parse_uint(day_tok, &format!("the day of {context}"), u64::MAX, file)?;
        let slot_tok = r.next(&format!("the period of {context}"))?;
        let slot = parse_uint(
            slot_tok,
            &format!("the period of {context}"),
            u64::MAX,
            file,
        )?;
        let Some(&(c, _)) = course_index.get(id.text) else {
            return Err(r.err(
                id.line,
                ParseErrorKind::UnknownCourse {
                    context,
                    id: id.text.to_string(),
                },
            ));
        };
        if day >= days {
            return Err(r.err(
                day_tok.line,
                ParseErrorKind::DayOutOfRange {
                    context,
                    day,
                    last: days - 1,
                },
            ));
        }
        if slot >= ppd {
            return Err(r.err(
                slot_tok.line,
                ParseErrorKind::SlotOutOfRange {
                    context,
                    slot,
                    last: ppd - 1,
                },
            ));
        }
        unavailable.push((
            c,
            PeriodId((day as usize * ppd as usize + slot as usize) as u16),
        ));
    }
    Ok(unavailable)
}

/// The ROOM_CONSTRAINTS section (`.ectt` only), then `END.` and nothing after it.
fn room_constraints_and_end(
    r: &mut Reader<'_>,
    h: &Header,
    course_index: &Index<'_, CourseId>,
    room_index: &Index<'_, RoomId>,
) -> Result<Option<Extension>, ParseError> {
    let n_constraints = h.n_constraints;
    let n_room_constraints = h.n_room_constraints;
    let extension = if let Some((min_daily, max_daily)) = h.daily {
        r.section_end(
            "ROOM_CONSTRAINTS:",
            "unavailability constraints",
            n_constraints,
        )?;
        let mut room_constraints = Vec::with_capacity(n_room_constraints.min(1 << 16));
        for i in 0..n_room_constraints {
            let ct = r.record_start(
                "room constraints",
                "ROOM_CONSTRAINTS:",
                n_room_constraints,
                i,
            )?;
            let rt = r.field(&format!("the room of room constraint {}", i + 1))?;
            let context = format!("room constraint {}", i + 1);
            let Some(&(c, _)) = course_index.get(ct.text) else {
                return Err(r.err(
                    ct.line,
                    ParseErrorKind::UnknownCourse {
                        context,
                        id: ct.text.to_string(),
                    },
                ));
            };
            let Some(&(room, _)) = room_index.get(rt.text) else {
                return Err(r.err(
                    rt.line,
                    ParseErrorKind::UnknownRoom {
                        context,
                        id: rt.text.to_string(),
                    },
                ));
            };
            room_constraints.push((c, room));
        }
        r.section_end("END.", "room constraints", n_room_constraints)?;
        Some(Extension {
            min_daily_lectures: min_daily,
            max_daily_lectures: max_daily,
            room_constraints,
        })
    } else {
        let t = r.next("'END.'")?;
        if t.text != "END." {
            let kind = if looks_like_heading(t.text) {
                ParseErrorKind::MissingEnd {
                    found: t.text.to_string(),
                }
            } else {
                ParseErrorKind::SectionTooLong {
                    what: "unavailability constraints",
                    section: "END.",
                    declared: n_constraints,
                    token: t.text.to_string(),
                }
            };
            return Err(r.err(t.line, kind));
        }
        None
    };
    if let Some(t) = r.peek() {
        return Err(r.err(
            t.line,
            ParseErrorKind::TrailingData {
                found: t.text.to_string(),
            },
        ));
    }
    Ok(extension)
}

/// The first campus feature of `inst` that `.ctt`/`.ectt` cannot express, in words.
fn campus_feature(inst: &Instance) -> Option<String> {
    let c = &inst.campus;
    let course = |i: usize| &inst.courses[i].name;
    if let Some((i, x)) = inst
        .courses
        .iter()
        .enumerate()
        .find(|(_, x)| x.duration != 1)
    {
        return Some(format!(
            "multi-period lectures (course {} lasts {} periods)",
            course(i),
            x.duration
        ));
    }
    if let Some(x) = inst.courses.iter().find(|x| !x.co_teachers.is_empty()) {
        return Some(format!("several teachers per course (course {})", x.name));
    }
    if let Some(x) = inst.courses.iter().find(|x| x.rooms.is_some()) {
        return Some(format!(
            "required room types or features (course {} may use only some rooms)",
            x.name
        ));
    }
    if let Some((t, _)) = c.teacher_unavailable.first() {
        return Some(format!(
            "teacher unavailability (teacher {})",
            inst.teachers[t.idx()]
        ));
    }
    if let Some((t, _)) = c.teacher_preferred.first() {
        return Some(format!(
            "preferred periods (teacher {})",
            inst.teachers[t.idx()]
        ));
    }
    if let Some((r, _)) = c.room_unavailable.first() {
        return Some(format!(
            "room unavailability (room {})",
            inst.rooms[r.idx()].name
        ));
    }
    if let Some(p) = c.pins.first() {
        return Some(format!(
            "pinned lectures (course {})",
            course(p.course.idx())
        ));
    }
    if let Some((g, _)) = c.curriculum_max_daily.first() {
        return Some(format!(
            "daily maxima per group (group {})",
            inst.curricula[g.idx()].name
        ));
    }
    if let Some((t, _)) = c.teacher_max_daily.first() {
        return Some(format!(
            "daily maxima per teacher (teacher {})",
            inst.teachers[t.idx()]
        ));
    }
    if c.weights != crate::model::Weights::default() {
        return Some("weights other than UD2's".to_string());
    }
    None
}

/// A name as one `.ctt` token: non-empty, no whitespace, not a section keyword.
fn token<'a>(
    what: &'static str,
    name: &'a str,
    format: &'static str,
) -> Result<&'a str, super::error::ConvertError> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name.chars().any(char::is_whitespace) {
        Some("it contains whitespace")
    } else if SECTION_KEYWORDS.contains(&name) {
        Some("it reads as a section keyword")
    } else {
        None
    };
    match why {
        Some(why) => Err(super::error::ConvertError::BadName {
            what,
            name: name.to_string(),
            format,
            why,
        }),
        None => Ok(name),
    }
}

/// Writes `inst` as `.ctt`, or as `.ectt` when it carries the `.ectt` extras (read from an
/// `.ectt` file or a campus JSON `ectt` block). Refuses an instance with campus features,
/// naming the first; day names and period times are not part of the format and are
/// dropped, as are teachers who teach nothing.
pub fn to_ctt(inst: &Instance) -> Result<String, super::error::ConvertError> {
    use std::fmt::Write;
    let ext = inst.extension.as_ref();
    let format = if ext.is_some() { ".ectt" } else { ".ctt" };
    if let Some(feature) = campus_feature(inst) {
        return Err(super::error::ConvertError::Unsupported { format, feature });
    }
    let ppd = inst.periods_per_day as usize;
    let mut s = String::new();
    // `write!` to a String cannot fail.
    let _ = writeln!(s, "Name: {}", token("instance", &inst.name, format)?);
    let _ = writeln!(s, "Courses: {}", inst.courses.len());
    let _ = writeln!(s, "Rooms: {}", inst.rooms.len());
    let _ = writeln!(s, "Days: {}", inst.days);
    let _ = writeln!(s, "Periods_per_day: {ppd}");
    let _ = writeln!(s, "Curricula: {}", inst.curricula.len());
    match ext {
        Some(e) => {
            let _ = writeln!(
                s,
                "Min_Max_Daily_Lectures: {} {}",
                e.min_daily_lectures, e.max_daily_lectures
            );
            let _ = writeln!(
                s,
                "UnavailabilityConstraints: {}",
                inst.unavailable_list.len()
            );
            let _ = writeln!(s, "RoomConstraints: {}", e.room_constraints.len());
        }
        None => {
            let _ = writeln!(s, "Constraints: {}", inst.unavailable_list.len());
        }
    }
    s.push_str("\nCOURSES:\n");
    for c in &inst.courses {
        let _ = write!(
            s,
            "{} {} {} {} {}",
            token("course", &c.name, format)?,
            token("teacher", &inst.teachers[c.teacher.idx()], format)?,
            c.lectures,
            c.min_working_days,
            c.students
        );
        if ext.is_some() {
            let _ = write!(s, " {}", u8::from(c.double_lectures));
        }
        s.push('\n');
    }
    s.push_str("\nROOMS:\n");
    for r in &inst.rooms {
        let _ = write!(s, "{} {}", token("room", &r.name, format)?, r.capacity);
        if ext.is_some() {
            let _ = write!(s, " {}", r.building.unwrap_or(0));
        }
        s.push('\n');
    }
    s.push_str("\nCURRICULA:\n");
    for q in &inst.curricula {
        let _ = write!(
            s,
            "{} {}",
            token("curriculum", &q.name, format)?,
            q.courses.len()
        );
        for c in &q.courses {
            let _ = write!(s, " {}", inst.courses[c.idx()].name);
        }
        s.push('\n');
    }
    s.push_str("\nUNAVAILABILITY_CONSTRAINTS:\n");
    for (c, p) in &inst.unavailable_list {
        let _ = writeln!(
            s,
            "{} {} {}",
            inst.courses[c.idx()].name,
            p.idx() / ppd,
            p.idx() % ppd
        );
    }
    if let Some(e) = ext {
        s.push_str("\nROOM_CONSTRAINTS:\n");
        for (c, r) in &e.room_constraints {
            let _ = writeln!(
                s,
                "{} {}",
                inst.courses[c.idx()].name,
                inst.rooms[r.idx()].name
            );
        }
    }
    s.push_str("\nEND.\n");
    Ok(s)
}
