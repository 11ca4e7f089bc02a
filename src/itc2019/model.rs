//! The ITC-2019 problem as dense ids (`docs/ITC2019.md`, `shared/instances/itc2019/FORMAT.md`).
//!
//! A model of its own, beside the ITC-2007 [`crate::model::Instance`]: ITC-2019 times are
//! (days × weeks) bit sets with a start slot and a length, classes sit in a course →
//! configuration → subpart tree, and students choose among classes. Folding that into the
//! `.ctt` instance would slow its hot path for no gain there.
//!
//! Layout choices made for the evaluator and a later search:
//! - every entity is a dense `u32` index in the order the file lists it; the file's ids are
//!   kept as strings only for output;
//! - the time and room options of all classes live in two flat arrays
//!   ([`Problem::time_options`], [`Problem::room_options`]); a class holds a range into each,
//!   so an assignment is two small option indices per class;
//! - courses, configurations and subparts hold ranges of their children (the file lists
//!   children contiguously), so walking the tree allocates nothing;
//! - room travel times are a dense `rooms × rooms` matrix (at most a few hundred rooms in
//!   the competition), looked up in O(1) by student and SameAttendees checks.

use std::ops::Range;

/// Dense index of a room (order of `<room>` in `<rooms>`).
pub type RoomId = u32;
/// Dense index of a class (document order over all courses).
pub type ClassId = u32;
/// Dense index of a course.
pub type CourseId = u32;
/// Dense index of a configuration (over all courses).
pub type ConfigId = u32;
/// Dense index of a subpart (over all configurations).
pub type SubpartId = u32;
/// Dense index of a student.
pub type StudentId = u32;

/// Most days a week the bit sets can hold (`nrDays`; the competition uses 7).
pub const MAX_DAYS: u32 = 32;
/// Most weeks a term the bit sets can hold (`nrWeeks`; the competition uses 6 to 20).
pub const MAX_WEEKS: u32 = 64;
/// Most rooms: the travel matrix is dense (`rooms²` entries; 64 MiB at this limit). The
/// competition's largest instance has a few hundred.
pub const MAX_ROOMS: usize = 4096;

/// A meeting pattern: on every day of `days` in every week of `weeks`, from slot `start`
/// for `length` slots. Bit *i* of `days` is character *i* of the file's bit string
/// (Monday first); likewise for weeks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Time {
    pub days: u32,
    pub start: u32,
    pub length: u32,
    pub weeks: u64,
}

impl Time {
    /// The first slot after the meeting.
    #[inline]
    pub fn end(&self) -> u32 {
        self.start + self.length
    }

    /// Whether the two patterns share a week and a day (whatever the slots).
    #[inline]
    pub fn shares_day_and_week(&self, other: &Time) -> bool {
        self.days & other.days != 0 && self.weeks & other.weeks != 0
    }

    /// The format's overlap: a shared week, a shared day and overlapping slots.
    #[inline]
    pub fn overlaps(&self, other: &Time) -> bool {
        self.shares_day_and_week(other) && self.start < other.end() && other.start < self.end()
    }
}

/// One allowed time of a class, with its penalty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeOption {
    pub time: Time,
    pub penalty: u32,
}

/// One allowed room of a class, with its penalty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoomOption {
    pub room: RoomId,
    pub penalty: u32,
}

/// A room: its capacity (informational: the competition does not check it) and the times
/// it cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Room {
    pub id: String,
    pub capacity: u32,
    pub unavailable: Vec<Time>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Course {
    pub id: String,
    pub configs: Range<ConfigId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub id: String,
    pub course: CourseId,
    pub subparts: Range<SubpartId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subpart {
    pub id: String,
    pub config: ConfigId,
    pub classes: Range<ClassId>,
}

/// A class: at most `limit` students; a student in it must also be in `parent` (a class of
/// another subpart of the same configuration). `times` and `rooms` are ranges into
/// [`Problem::time_options`] and [`Problem::room_options`]; an empty room range means the
/// class needs no room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Class {
    pub id: String,
    pub limit: u32,
    pub parent: Option<ClassId>,
    pub course: CourseId,
    pub config: ConfigId,
    pub subpart: SubpartId,
    pub times: Range<u32>,
    pub rooms: Range<u32>,
}

impl Class {
    /// Whether the class must be given a room.
    pub fn needs_room(&self) -> bool {
        !self.rooms.is_empty()
    }
}

/// The 19 distribution constraint types, with their parameters (in slots or counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Constraint {
    SameStart,
    SameTime,
    DifferentTime,
    SameDays,
    DifferentDays,
    SameWeeks,
    DifferentWeeks,
    Overlap,
    NotOverlap,
    SameRoom,
    DifferentRoom,
    SameAttendees,
    Precedence,
    /// WorkDay(S): on a shared day and week, first start to last end is at most S slots.
    WorkDay(u32),
    /// MinGap(G): on a shared day and week, at least G slots between the two.
    MinGap(u32),
    /// MaxDays(D): at most D days with any class of the constraint.
    MaxDays(u32),
    /// MaxDayLoad(S): at most S slots of classes on any day of any week.
    MaxDayLoad(u32),
    /// MaxBreaks(R, S): at most R breaks (gaps longer than S slots) a day.
    MaxBreaks(u32, u32),
    /// MaxBlock(M, S): no block (classes with gaps of at most S) of two or more classes
    /// longer than M slots.
    MaxBlock(u32, u32),
}

impl Constraint {
    /// The type's name without parameters, as the scorer's per-type counts name it.
    pub fn name(&self) -> &'static str {
        use Constraint::*;
        match self {
            SameStart => "SameStart",
            SameTime => "SameTime",
            DifferentTime => "DifferentTime",
            SameDays => "SameDays",
            DifferentDays => "DifferentDays",
            SameWeeks => "SameWeeks",
            DifferentWeeks => "DifferentWeeks",
            Overlap => "Overlap",
            NotOverlap => "NotOverlap",
            SameRoom => "SameRoom",
            DifferentRoom => "DifferentRoom",
            SameAttendees => "SameAttendees",
            Precedence => "Precedence",
            WorkDay(_) => "WorkDay",
            MinGap(_) => "MinGap",
            MaxDays(_) => "MaxDays",
            MaxDayLoad(_) => "MaxDayLoad",
            MaxBreaks(..) => "MaxBreaks",
            MaxBlock(..) => "MaxBlock",
        }
    }

    /// Whether the constraint is a condition on every pair of its classes (cost per failing
    /// pair) rather than on the whole set (cost per day or per week and day).
    pub fn is_pairwise(&self) -> bool {
        !matches!(
            self,
            Constraint::MaxDays(_)
                | Constraint::MaxDayLoad(_)
                | Constraint::MaxBreaks(..)
                | Constraint::MaxBlock(..)
        )
    }

    /// Parses a `type` attribute such as `SameDays`, `MinGap(12)` or `MaxBlock(100,24)`.
    /// `Err` says what is wrong, for the reader's error message.
    pub fn parse(text: &str) -> Result<Constraint, String> {
        use Constraint::*;
        let text = text.trim();
        let (base, params) = match text.find('(') {
            Some(open) => {
                let Some(inner) = text[open + 1..].strip_suffix(')') else {
                    return Err(format!("'{text}' has no closing parenthesis"));
                };
                let mut ps = Vec::new();
                for p in inner.split(',') {
                    let p = p.trim();
                    match p.parse::<u32>() {
                        Ok(v) => ps.push(v),
                        Err(_) => {
                            return Err(format!("'{text}': parameter '{p}' is not a whole number"));
                        }
                    }
                }
                (text[..open].trim_end(), ps)
            }
            None => (text, Vec::new()),
        };
        let want = match base {
            "WorkDay" | "MinGap" | "MaxDays" | "MaxDayLoad" => 1,
            "MaxBreaks" | "MaxBlock" => 2,
            _ => 0,
        };
        let simple = match base {
            "SameStart" => Some(SameStart),
            "SameTime" => Some(SameTime),
            "DifferentTime" => Some(DifferentTime),
            "SameDays" => Some(SameDays),
            "DifferentDays" => Some(DifferentDays),
            "SameWeeks" => Some(SameWeeks),
            "DifferentWeeks" => Some(DifferentWeeks),
            "Overlap" => Some(Overlap),
            "NotOverlap" => Some(NotOverlap),
            "SameRoom" => Some(SameRoom),
            "DifferentRoom" => Some(DifferentRoom),
            "SameAttendees" => Some(SameAttendees),
            "Precedence" => Some(Precedence),
            _ => None,
        };
        if simple.is_none() && want == 0 {
            return Err(format!("unknown distribution type '{text}'"));
        }
        if params.len() != want {
            return Err(match want {
                0 => format!("distribution type '{base}' takes no parameters, found '{text}'"),
                1 => format!("distribution type '{base}' needs 1 parameter, found '{text}'"),
                _ => format!("distribution type '{base}' needs {want} parameters, found '{text}'"),
            });
        }
        Ok(match (simple, base) {
            (Some(c), _) => c,
            (None, "WorkDay") => WorkDay(params[0]),
            (None, "MinGap") => MinGap(params[0]),
            (None, "MaxDays") => MaxDays(params[0]),
            (None, "MaxDayLoad") => MaxDayLoad(params[0]),
            (None, "MaxBreaks") => MaxBreaks(params[0], params[1]),
            (None, _) => MaxBlock(params[0], params[1]),
        })
    }
}

impl std::fmt::Display for Constraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use Constraint::*;
        match *self {
            WorkDay(a) | MinGap(a) | MaxDays(a) | MaxDayLoad(a) => {
                write!(f, "{}({a})", self.name())
            }
            MaxBreaks(a, b) | MaxBlock(a, b) => write!(f, "{}({a},{b})", self.name()),
            _ => f.write_str(self.name()),
        }
    }
}

/// A distribution constraint between classes; `classes` in file order (Precedence reads
/// it as "each before the next ones"). `required` constraints are hard and `penalty` is
/// then 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distribution {
    pub kind: Constraint,
    pub required: bool,
    pub penalty: u32,
    pub classes: Vec<ClassId>,
}

/// A student and the courses they request (each once, in file order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Student {
    pub id: String,
    pub courses: Vec<CourseId>,
}

/// The `<optimization>` weights of the four objective parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Weights {
    pub time: u32,
    pub room: u32,
    pub distribution: u32,
    pub student: u32,
}

/// An ITC-2019 problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub name: String,
    pub nr_days: u32,
    pub slots_per_day: u32,
    pub nr_weeks: u32,
    pub weights: Weights,
    pub rooms: Vec<Room>,
    /// `travel[a * rooms + b]`: slots needed to go from room a to room b (symmetric; 0 when
    /// the file lists none).
    pub travel: Vec<u32>,
    pub courses: Vec<Course>,
    pub configs: Vec<Config>,
    pub subparts: Vec<Subpart>,
    pub classes: Vec<Class>,
    pub time_options: Vec<TimeOption>,
    pub room_options: Vec<RoomOption>,
    pub distributions: Vec<Distribution>,
    pub students: Vec<Student>,
    /// For each class, the distributions it is part of (ascending), so a change of one
    /// class can revisit only those.
    pub class_distributions: Vec<Vec<u32>>,
}

impl Problem {
    /// The time options of class `c`.
    #[inline]
    pub fn times(&self, c: ClassId) -> &[TimeOption] {
        let r = &self.classes[c as usize].times;
        &self.time_options[r.start as usize..r.end as usize]
    }

    /// The room options of class `c` (empty when it needs no room).
    #[inline]
    pub fn rooms_of(&self, c: ClassId) -> &[RoomOption] {
        let r = &self.classes[c as usize].rooms;
        &self.room_options[r.start as usize..r.end as usize]
    }

    /// Travel time in slots between two rooms (0 for the same room).
    #[inline]
    pub fn travel(&self, a: RoomId, b: RoomId) -> u32 {
        self.travel[a as usize * self.rooms.len() + b as usize]
    }

    /// The bit set of all weeks of the term.
    pub fn all_weeks(&self) -> u64 {
        low_bits(self.nr_weeks)
    }

    /// The bit set of all days of the week.
    pub fn all_days(&self) -> u32 {
        low_bits(self.nr_days) as u32
    }

    /// Number of student requests (student × course).
    pub fn requests(&self) -> usize {
        self.students.iter().map(|s| s.courses.len()).sum()
    }

    /// A bit string of `len` characters for the low bits of `bits` (character i = bit i),
    /// as the files write days and weeks.
    pub fn bit_string(bits: u64, len: u32) -> String {
        (0..len)
            .map(|i| if bits >> i & 1 == 1 { '1' } else { '0' })
            .collect()
    }
}

/// The lowest `n` bits set (n ≤ 64).
pub(crate) fn low_bits(n: u32) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}
