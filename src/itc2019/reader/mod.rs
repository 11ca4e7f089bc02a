//! The ITC-2019 instance reader: one streaming pass over the XML (quick-xml, no tree), then
//! the references (rooms, parents, classes, courses) resolved to dense ids.
//!
//! Strict where a mistake would silently change the problem (unknown elements, numbers,
//! bit strings of the wrong length, unknown or duplicate ids, a parent outside its
//! configuration), lenient where the competition files are: attributes we do not use are
//! ignored, a missing `weeks` means every week, a missing `penalty` means 0.

use std::collections::HashMap;

use quick_xml::events::BytesStart;

use super::error::{XmlError, XmlErrorKind};
use super::model::*;
use super::xml::{Step, Walker, parse_bits, parse_u32, tag_name};

mod resolve;

/// Where in the document the reader is: the element kinds of the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    Top,
    Problem,
    /// An element without children (`<time>`, `<travel>`, ...), by name.
    Leaf(&'static str),
    Rooms,
    Room,
    Courses,
    Course,
    Config,
    Subpart,
    Class,
    Distributions,
    Distribution,
    Students,
    Student,
}

impl Ctx {
    fn name(self) -> &'static str {
        match self {
            Ctx::Top => "document",
            Ctx::Problem => "problem",
            Ctx::Leaf(name) => name,
            Ctx::Rooms => "rooms",
            Ctx::Room => "room",
            Ctx::Courses => "courses",
            Ctx::Course => "course",
            Ctx::Config => "config",
            Ctx::Subpart => "subpart",
            Ctx::Class => "class",
            Ctx::Distributions => "distributions",
            Ctx::Distribution => "distribution",
            Ctx::Students => "students",
            Ctx::Student => "student",
        }
    }

    /// What may appear inside, in words.
    fn expected(self) -> &'static str {
        match self {
            Ctx::Top => "<problem>",
            Ctx::Problem => "<optimization>, <rooms>, <courses>, <distributions> or <students>",
            Ctx::Leaf(_) => "no child elements",
            Ctx::Rooms => "<room>",
            Ctx::Room => "<travel> or <unavailable>",
            Ctx::Courses => "<course>",
            Ctx::Course => "<config>",
            Ctx::Config => "<subpart>",
            Ctx::Subpart => "<class>",
            Ctx::Class => "<room> or <time>",
            Ctx::Distributions => "<distribution>",
            Ctx::Distribution => "<class>",
            Ctx::Students => "<student>",
            Ctx::Student => "<course>",
        }
    }
}

/// A reference by id that may point forward in the file; resolved after the pass.
struct Pending {
    id: String,
    pos: u64,
    element: String,
}

/// The problem under construction, with the maps from file ids to dense ids.
struct Builder<'a> {
    w: Walker<'a>,
    p: Problem,
    have_problem: bool,
    have_optimization: bool,
    sections: [bool; 4],
    room_index: HashMap<String, RoomId>,
    class_index: HashMap<String, ClassId>,
    course_index: HashMap<String, CourseId>,
    student_ids: HashMap<String, StudentId>,
    /// (room, other room id, value, where).
    travel: Vec<(RoomId, Pending, u32)>,
    /// Room options by option index; `u32::MAX` in the option until resolved.
    room_refs: Vec<(u32, Pending)>,
    parent_refs: Vec<(ClassId, Pending)>,
    /// (distribution, position in its class list).
    dist_refs: Vec<(u32, usize, Pending)>,
    course_refs: Vec<(StudentId, usize, Pending)>,
    /// Where each room option was written (for "listed twice" errors).
    room_option_pos: Vec<u64>,
    /// Where each class starts (for "no <time>" and parent errors).
    class_pos: Vec<u64>,
}

/// Reads an ITC-2019 instance. `file` names the file in error messages.
pub fn parse_problem(bytes: &[u8], file: &str) -> Result<Problem, XmlError> {
    let w = Walker::new(bytes, file)?;
    let mut b = Builder {
        w,
        p: Problem {
            name: String::new(),
            nr_days: 0,
            slots_per_day: 0,
            nr_weeks: 0,
            weights: Weights::default(),
            rooms: Vec::new(),
            travel: Vec::new(),
            courses: Vec::new(),
            configs: Vec::new(),
            subparts: Vec::new(),
            classes: Vec::new(),
            time_options: Vec::new(),
            room_options: Vec::new(),
            distributions: Vec::new(),
            students: Vec::new(),
            class_distributions: Vec::new(),
        },
        have_problem: false,
        have_optimization: false,
        sections: [false; 4],
        room_index: HashMap::new(),
        class_index: HashMap::new(),
        course_index: HashMap::new(),
        student_ids: HashMap::new(),
        travel: Vec::new(),
        room_refs: Vec::new(),
        parent_refs: Vec::new(),
        dist_refs: Vec::new(),
        course_refs: Vec::new(),
        room_option_pos: Vec::new(),
        class_pos: Vec::new(),
    };
    b.walk()?;
    b.resolve()?;
    Ok(b.p)
}

impl<'a> Builder<'a> {
    fn walk(&mut self) -> Result<(), XmlError> {
        let mut stack: Vec<Ctx> = vec![Ctx::Top];
        let mut end_pos = 0;
        loop {
            match self.w.next()? {
                Step::Eof => break,
                Step::Close => {
                    let ctx = stack.pop().expect("the walker matches end tags");
                    end_pos = self.w.pos;
                    self.close(ctx)?;
                }
                Step::Open { tag, empty } => {
                    let parent = *stack.last().expect("the top context is never popped");
                    let ctx = self.open(parent, &tag)?;
                    if empty {
                        self.close(ctx)?;
                    } else {
                        stack.push(ctx);
                    }
                }
            }
        }
        if !self.have_problem {
            return Err(self.w.error_at(
                0,
                "",
                XmlErrorKind::Empty {
                    expected: "problem",
                },
            ));
        }
        if !self.have_optimization {
            return Err(self
                .w
                .error_at(end_pos, "<problem>", XmlErrorKind::NoOptimization));
        }
        Ok(())
    }

    /// Handles an opening tag inside `parent`; returns the context it opens.
    fn open(&mut self, parent: Ctx, tag: &BytesStart<'a>) -> Result<Ctx, XmlError> {
        let name = tag.name();
        let name = name.as_ref();
        let unexpected = |w: &Walker<'a>| {
            w.error(
                "",
                XmlErrorKind::Unexpected {
                    found: tag_name(tag),
                    inside: parent.name(),
                    expected: parent.expected(),
                },
            )
        };
        Ok(match (parent, name) {
            (Ctx::Top, _) if self.have_problem => {
                return Err(self.w.error(
                    "",
                    XmlErrorKind::SecondRoot {
                        found: tag_name(tag),
                        root: "problem",
                    },
                ));
            }
            (Ctx::Top, "problem") => {
                self.problem(tag)?;
                Ctx::Problem
            }
            (Ctx::Top, _) => {
                return Err(self.w.error(
                    "",
                    XmlErrorKind::WrongRoot {
                        found: tag_name(tag),
                        expected: "problem",
                    },
                ));
            }
            (Ctx::Problem, "optimization") => {
                self.optimization(tag)?;
                Ctx::Leaf("optimization")
            }
            (Ctx::Problem, "rooms") => self.section(0, "rooms", Ctx::Rooms)?,
            (Ctx::Problem, "courses") => self.section(1, "courses", Ctx::Courses)?,
            (Ctx::Problem, "distributions") => {
                self.section(2, "distributions", Ctx::Distributions)?
            }
            (Ctx::Problem, "students") => self.section(3, "students", Ctx::Students)?,
            (Ctx::Rooms, "room") => {
                self.room(tag)?;
                Ctx::Room
            }
            (Ctx::Room, "travel") => {
                self.travel(tag)?;
                Ctx::Leaf("travel")
            }
            (Ctx::Room, "unavailable") => {
                self.unavailable(tag)?;
                Ctx::Leaf("unavailable")
            }
            (Ctx::Courses, "course") => {
                self.course(tag)?;
                Ctx::Course
            }
            (Ctx::Course, "config") => {
                self.config(tag)?;
                Ctx::Config
            }
            (Ctx::Config, "subpart") => {
                self.subpart(tag)?;
                Ctx::Subpart
            }
            (Ctx::Subpart, "class") => {
                self.class(tag)?;
                Ctx::Class
            }
            (Ctx::Class, "room") => {
                self.room_option(tag)?;
                Ctx::Leaf("room")
            }
            (Ctx::Class, "time") => {
                self.time_option(tag)?;
                Ctx::Leaf("time")
            }
            (Ctx::Distributions, "distribution") => {
                self.distribution(tag)?;
                Ctx::Distribution
            }
            (Ctx::Distribution, "class") => {
                self.dist_class(tag)?;
                Ctx::Leaf("class")
            }
            (Ctx::Students, "student") => {
                self.student(tag)?;
                Ctx::Student
            }
            (Ctx::Student, "course") => {
                self.student_course(tag)?;
                Ctx::Leaf("course")
            }
            _ => return Err(unexpected(&self.w)),
        })
    }

    /// Finishes an element: closes the ranges of the course tree.
    fn close(&mut self, ctx: Ctx) -> Result<(), XmlError> {
        match ctx {
            Ctx::Course => {
                self.p.courses.last_mut().expect("open course").configs.end =
                    self.p.configs.len() as u32;
            }
            Ctx::Config => {
                self.p.configs.last_mut().expect("open config").subparts.end =
                    self.p.subparts.len() as u32;
            }
            Ctx::Subpart => {
                self.p
                    .subparts
                    .last_mut()
                    .expect("open subpart")
                    .classes
                    .end = self.p.classes.len() as u32;
            }
            Ctx::Class => {
                let nt = self.p.time_options.len() as u32;
                let nr = self.p.room_options.len() as u32;
                let c = self.p.classes.last_mut().expect("open class");
                c.times.end = nt;
                c.rooms.end = nr;
                if c.times.is_empty() {
                    let el = format!("<class> '{}'", c.id);
                    let pos = *self.class_pos.last().expect("open class");
                    return Err(self.w.error_at(pos, &el, XmlErrorKind::NoTimes));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn section(&mut self, i: usize, what: &'static str, ctx: Ctx) -> Result<Ctx, XmlError> {
        if self.sections[i] {
            return Err(self.w.error("", XmlErrorKind::Repeated { what }));
        }
        self.sections[i] = true;
        Ok(ctx)
    }

    // ---------------------------------------------------------------- attribute helpers

    fn required(&self, v: Option<&str>, attr: &'static str, el: &str) -> Result<String, XmlError> {
        match v {
            Some(v) => Ok(v.trim().to_string()),
            None => Err(self.w.error(el, XmlErrorKind::MissingAttribute { attr })),
        }
    }

    fn number(&self, v: Option<&str>, attr: &'static str, el: &str) -> Result<u32, XmlError> {
        let v = v.ok_or_else(|| self.w.error(el, XmlErrorKind::MissingAttribute { attr }))?;
        parse_u32(v).ok_or_else(|| {
            self.w.error(
                el,
                XmlErrorKind::NotANumber {
                    attr,
                    found: v.to_string(),
                },
            )
        })
    }

    fn number_or_zero(
        &self,
        v: Option<&str>,
        attr: &'static str,
        el: &str,
    ) -> Result<u32, XmlError> {
        match v {
            None => Ok(0),
            Some(_) => self.number(v, attr, el),
        }
    }

    /// A `days`/`start`/`length`/`weeks` time; `weeks` defaults to every week.
    fn time(
        &self,
        days: Option<&str>,
        start: Option<&str>,
        length: Option<&str>,
        weeks: Option<&str>,
        el: &str,
    ) -> Result<Time, XmlError> {
        let d = days.ok_or_else(|| {
            self.w
                .error(el, XmlErrorKind::MissingAttribute { attr: "days" })
        })?;
        let days = parse_bits(d, self.p.nr_days).ok_or_else(|| {
            self.w.error(
                el,
                XmlErrorKind::NotABitString {
                    attr: "days",
                    len: self.p.nr_days,
                    found: d.to_string(),
                },
            )
        })? as u32;
        let weeks = match weeks {
            None => self.p.all_weeks(),
            Some(wk) => parse_bits(wk, self.p.nr_weeks).ok_or_else(|| {
                self.w.error(
                    el,
                    XmlErrorKind::NotABitString {
                        attr: "weeks",
                        len: self.p.nr_weeks,
                        found: wk.to_string(),
                    },
                )
            })?,
        };
        let start_v = self.number(start, "start", el)?;
        let length_v = self.number(length, "length", el)?;
        if start_v.checked_add(length_v).is_none() {
            return Err(self.w.error(
                el,
                XmlErrorKind::TimeOverflow {
                    start: start_v,
                    length: length_v,
                },
            ));
        }
        Ok(Time {
            days,
            start: start_v,
            length: length_v,
            weeks,
        })
    }

    // ---------------------------------------------------------------- elements

    fn problem(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let el = || "<problem>".to_string();
        let [name, days, slots, weeks] =
            self.w
                .attrs(tag, ["name", "nrDays", "slotsPerDay", "nrWeeks"], &el)?;
        let el = el();
        self.p.name = name.map(|n| n.trim().to_string()).unwrap_or_default();
        self.p.nr_days = self.number(days.as_deref(), "nrDays", &el)?;
        self.p.slots_per_day = self.number(slots.as_deref(), "slotsPerDay", &el)?;
        self.p.nr_weeks = self.number(weeks.as_deref(), "nrWeeks", &el)?;
        for (attr, v, max) in [
            ("nrDays", self.p.nr_days, MAX_DAYS),
            ("nrWeeks", self.p.nr_weeks, MAX_WEEKS),
        ] {
            if v == 0 || v > max {
                return Err(self.w.error(
                    &el,
                    XmlErrorKind::OutOfRange {
                        attr,
                        found: v.to_string(),
                        expected: format!("between 1 and {max}"),
                    },
                ));
            }
        }
        self.have_problem = true;
        Ok(())
    }

    fn optimization(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let el = || "<optimization>".to_string();
        if self.have_optimization {
            return Err(self.w.error(
                "",
                XmlErrorKind::Repeated {
                    what: "optimization",
                },
            ));
        }
        let [t, r, d, s] = self
            .w
            .attrs(tag, ["time", "room", "distribution", "student"], &el)?;
        let el = el();
        self.p.weights = Weights {
            time: self.number_or_zero(t.as_deref(), "time", &el)?,
            room: self.number_or_zero(r.as_deref(), "room", &el)?,
            distribution: self.number_or_zero(d.as_deref(), "distribution", &el)?,
            student: self.number_or_zero(s.as_deref(), "student", &el)?,
        };
        self.have_optimization = true;
        Ok(())
    }

    fn room(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let el = || "<room>".to_string();
        let [id, cap] = self.w.attrs(tag, ["id", "capacity"], &el)?;
        let id = self.required(id.as_deref(), "id", &el())?;
        let el = format!("<room> '{id}'");
        let capacity = self.number(cap.as_deref(), "capacity", &el)?;
        let r = self.p.rooms.len() as RoomId;
        if self.p.rooms.len() == MAX_ROOMS {
            return Err(self
                .w
                .error(&el, XmlErrorKind::TooManyRooms { max: MAX_ROOMS }));
        }
        if self.room_index.insert(id.clone(), r).is_some() {
            return Err(self
                .w
                .error(&el, XmlErrorKind::Duplicate { what: "room", id }));
        }
        self.p.rooms.push(Room {
            id,
            capacity,
            unavailable: Vec::new(),
        });
        Ok(())
    }

    fn current_room_el(&self, what: &str) -> String {
        let r = self.p.rooms.last().expect("inside a room");
        format!("<{what}> of room '{}'", r.id)
    }

    fn travel(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let el = || self.current_room_el("travel");
        let [room, value] = self.w.attrs(tag, ["room", "value"], &el)?;
        let el = el();
        let other = self.required(room.as_deref(), "room", &el)?;
        let value = self.number(value.as_deref(), "value", &el)?;
        let r = self.p.rooms.len() as RoomId - 1;
        self.travel.push((
            r,
            Pending {
                id: other,
                pos: self.w.pos,
                element: el,
            },
            value,
        ));
        Ok(())
    }

    fn unavailable(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let el = || self.current_room_el("unavailable");
        let [days, start, length, weeks] =
            self.w
                .attrs(tag, ["days", "start", "length", "weeks"], &el)?;
        let el = el();
        let t = self.time(
            days.as_deref(),
            start.as_deref(),
            length.as_deref(),
            weeks.as_deref(),
            &el,
        )?;
        self.p
            .rooms
            .last_mut()
            .expect("inside a room")
            .unavailable
            .push(t);
        Ok(())
    }

    fn course(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let el = || "<course>".to_string();
        let [id] = self.w.attrs(tag, ["id"], &el)?;
        let id = self.required(id.as_deref(), "id", &el())?;
        let c = self.p.courses.len() as CourseId;
        if self.course_index.insert(id.clone(), c).is_some() {
            return Err(self.w.error(
                &format!("<course> '{id}'"),
                XmlErrorKind::Duplicate { what: "course", id },
            ));
        }
        let n = self.p.configs.len() as u32;
        self.p.courses.push(Course { id, configs: n..n });
        Ok(())
    }

    fn config(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let course = self.p.courses.len() as u32 - 1;
        let el = || {
            format!(
                "<config> of course '{}'",
                self.p.courses[course as usize].id
            )
        };
        let [id] = self.w.attrs(tag, ["id"], &el)?;
        let id = self.required(id.as_deref(), "id", &el())?;
        let n = self.p.subparts.len() as u32;
        self.p.configs.push(Config {
            id,
            course,
            subparts: n..n,
        });
        Ok(())
    }

    fn subpart(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let config = self.p.configs.len() as u32 - 1;
        let el = || {
            format!(
                "<subpart> of config '{}'",
                self.p.configs[config as usize].id
            )
        };
        let [id] = self.w.attrs(tag, ["id"], &el)?;
        let id = self.required(id.as_deref(), "id", &el())?;
        let n = self.p.classes.len() as u32;
        self.p.subparts.push(Subpart {
            id,
            config,
            classes: n..n,
        });
        Ok(())
    }

    fn class(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let el = || "<class>".to_string();
        let [id, limit, parent] = self.w.attrs(tag, ["id", "limit", "parent"], &el)?;
        let id = self.required(id.as_deref(), "id", &el())?;
        let el = format!("<class> '{id}'");
        let limit = self.number(limit.as_deref(), "limit", &el)?;
        let c = self.p.classes.len() as ClassId;
        if self.class_index.insert(id.clone(), c).is_some() {
            return Err(self
                .w
                .error(&el, XmlErrorKind::Duplicate { what: "class", id }));
        }
        if let Some(par) = parent {
            self.parent_refs.push((
                c,
                Pending {
                    id: par.trim().to_string(),
                    pos: self.w.pos,
                    element: el,
                },
            ));
        }
        let subpart = self.p.subparts.len() as u32 - 1;
        let config = self.p.subparts[subpart as usize].config;
        let course = self.p.configs[config as usize].course;
        let nt = self.p.time_options.len() as u32;
        let nr = self.p.room_options.len() as u32;
        self.p.classes.push(Class {
            id,
            limit,
            parent: None,
            course,
            config,
            subpart,
            times: nt..nt,
            rooms: nr..nr,
        });
        self.class_pos.push(self.w.pos);
        Ok(())
    }

    fn current_class_el(&self, what: &str) -> String {
        let c = self.p.classes.last().expect("inside a class");
        format!("<{what}> of class '{}'", c.id)
    }

    fn room_option(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let el = || self.current_class_el("room");
        let [id, penalty] = self.w.attrs(tag, ["id", "penalty"], &el)?;
        let el = el();
        let id = self.required(id.as_deref(), "id", &el)?;
        let penalty = self.number_or_zero(penalty.as_deref(), "penalty", &el)?;
        let room = match self.room_index.get(&id) {
            Some(&r) => r,
            None => {
                let i = self.p.room_options.len() as u32;
                self.room_refs.push((
                    i,
                    Pending {
                        id,
                        pos: self.w.pos,
                        element: el,
                    },
                ));
                u32::MAX
            }
        };
        self.p.room_options.push(RoomOption { room, penalty });
        self.room_option_pos.push(self.w.pos);
        Ok(())
    }

    fn time_option(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let el = || self.current_class_el("time");
        let [days, start, length, weeks, penalty] =
            self.w
                .attrs(tag, ["days", "start", "length", "weeks", "penalty"], &el)?;
        let el = el();
        let time = self.time(
            days.as_deref(),
            start.as_deref(),
            length.as_deref(),
            weeks.as_deref(),
            &el,
        )?;
        let penalty = self.number_or_zero(penalty.as_deref(), "penalty", &el)?;
        self.p.time_options.push(TimeOption { time, penalty });
        Ok(())
    }

    fn distribution(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let n = self.p.distributions.len() + 1;
        let el = || format!("<distribution> #{n}");
        let [ty, required, penalty] = self.w.attrs(tag, ["type", "required", "penalty"], &el)?;
        let el = el();
        let ty = self.required(ty.as_deref(), "type", &el)?;
        let kind = Constraint::parse(&ty)
            .map_err(|message| self.w.error(&el, XmlErrorKind::BadType { message }))?;
        let el = format!("<distribution> #{n} ({kind})");
        let required = match required.as_deref().map(|r| r.trim().to_ascii_lowercase()) {
            None => false,
            Some(r) if r == "true" => true,
            Some(r) if r == "false" => false,
            Some(_) => {
                return Err(self.w.error(
                    &el,
                    XmlErrorKind::NotABool {
                        attr: "required",
                        found: required.unwrap_or_default().into_owned(),
                    },
                ));
            }
        };
        let penalty = if required {
            0
        } else {
            self.number_or_zero(penalty.as_deref(), "penalty", &el)?
        };
        self.p.distributions.push(Distribution {
            kind,
            required,
            penalty,
            classes: Vec::new(),
        });
        Ok(())
    }

    fn dist_class(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let d = self.p.distributions.len() - 1;
        let el = || {
            format!(
                "<class> of <distribution> #{} ({})",
                d + 1,
                self.p.distributions[d].kind
            )
        };
        let [id] = self.w.attrs(tag, ["id"], &el)?;
        let el = el();
        let id = self.required(id.as_deref(), "id", &el)?;
        let c = match self.class_index.get(&id) {
            Some(&c) => c,
            None => {
                let at = self.p.distributions[d].classes.len();
                self.dist_refs.push((
                    d as u32,
                    at,
                    Pending {
                        id,
                        pos: self.w.pos,
                        element: el,
                    },
                ));
                u32::MAX
            }
        };
        self.p.distributions[d].classes.push(c);
        Ok(())
    }

    fn student(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let el = || "<student>".to_string();
        let [id] = self.w.attrs(tag, ["id"], &el)?;
        let id = self.required(id.as_deref(), "id", &el())?;
        let s = self.p.students.len() as StudentId;
        if self.student_ids.insert(id.clone(), s).is_some() {
            return Err(self.w.error(
                &format!("<student> '{id}'"),
                XmlErrorKind::Duplicate {
                    what: "student",
                    id,
                },
            ));
        }
        self.p.students.push(Student {
            id,
            courses: Vec::new(),
        });
        Ok(())
    }

    fn student_course(&mut self, tag: &BytesStart<'a>) -> Result<(), XmlError> {
        let s = self.p.students.len() - 1;
        let el = || format!("<course> of student '{}'", self.p.students[s].id);
        let [id] = self.w.attrs(tag, ["id"], &el)?;
        let el = el();
        let id = self.required(id.as_deref(), "id", &el)?;
        let c = match self.course_index.get(&id) {
            Some(&c) => c,
            None => {
                let at = self.p.students[s].courses.len();
                self.course_refs.push((
                    s as u32,
                    at,
                    Pending {
                        id,
                        pos: self.w.pos,
                        element: el,
                    },
                ));
                u32::MAX
            }
        };
        self.p.students[s].courses.push(c);
        Ok(())
    }
}
