//! The incremental ITC-2019 evaluator: a [`State`] that holds an assignment with
//! everything its cost depends on, answers "what would this move change" ([`State::delta`])
//! without changing anything, and applies moves ([`State::apply`]) keeping every part up
//! to date. The search asks for millions of deltas; re-scoring from scratch
//! ([`super::eval::evaluate`], about a hundred a second on the largest instance) is far
//! too slow for that.
//!
//! What it keeps, and why:
//! - per class: the chosen options and the resolved [`Time`] and room, so a check never
//!   goes through the option arrays;
//! - per room: the placed classes in it (room clashes of a moved class are looked up among
//!   those only);
//! - per distribution: its current units (failing pairs, excess days or over-full
//!   week-days, as [`super::eval::Evaluation::distribution_units`]); a move of class `c`
//!   revisits only the distributions of `c`, pairwise types only the pairs with `c`;
//! - students: the classes of each student, the students of each class, and for each class
//!   the other classes it shares students with and how many (`co`). A time or room move of
//!   class `c` changes student conflicts by `Σ shared(c, o) × (conflict(new c, o) −
//!   conflict(old c, o))`, whatever the number of students;
//! - per student: the sectioning violations of their enrolment (recounted only when a
//!   student move touches that student), and per class whether it is over its limit.
//!
//! The parts are exactly those of [`super::eval::evaluate`]: `hard` is the number of
//! violations it lists (same conventions, same counting), `hard_units` the same with each
//! required distribution counted by its units rather than once — a finer measure for a
//! search to descend on. `tests/itc2019_delta.rs` checks delta == full after random and
//! constructed moves on every shared instance.

use super::eval::{Assignment, apart, distribution_cost, pair_ok, set_units, travel};
use super::model::*;

/// The objective's four parts before weighting, and the hard violations. As totals of a
/// [`State`] or as the change a move makes (then each may be negative).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Parts {
    pub time: i64,
    pub room: i64,
    pub distribution: i64,
    pub student: i64,
    /// Hard violations as [`super::eval::evaluate`] lists them.
    pub hard: i64,
    /// The same, each broken required distribution counted by its units.
    pub hard_units: i64,
}

impl Parts {
    /// The weighted objective.
    #[inline]
    pub fn total(&self, w: &Weights) -> i64 {
        self.time * w.time as i64
            + self.room * w.room as i64
            + self.distribution * w.distribution as i64
            + self.student * w.student as i64
    }

    /// The objective a search minimises: the weighted total plus `hard_weight` per hard
    /// unit.
    #[inline]
    pub fn penalized(&self, w: &Weights, hard_weight: i64) -> i64 {
        self.total(w) + hard_weight * self.hard_units
    }

    fn add(&mut self, d: &Parts) {
        self.time += d.time;
        self.room += d.room;
        self.distribution += d.distribution;
        self.student += d.student;
        self.hard += d.hard;
        self.hard_units += d.hard_units;
    }
}

/// A change to a state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Move {
    /// Class `class` takes time option `time` and room option `room` (indices into its own
    /// option lists; `None` leaves it without time or room). Changing the time only, the
    /// room only or both are all this move.
    Place {
        class: ClassId,
        time: Option<u32>,
        room: Option<u32>,
    },
    /// Student `student`'s classes of course `course` become `classes` (any others of that
    /// course are left): reassigning a student within or between configurations.
    Enrol {
        student: StudentId,
        course: CourseId,
        classes: Vec<ClassId>,
    },
}

/// An assignment with its cost kept up to date (see the module documentation).
#[derive(Clone, Debug)]
pub struct State<'p> {
    p: &'p Problem,
    time: Vec<Option<u32>>,
    room: Vec<Option<u32>>,
    /// The time of each placed class.
    at: Vec<Option<Time>>,
    /// The room of each placed class that has one.
    in_room: Vec<Option<RoomId>>,
    /// Placed classes per room.
    occupants: Vec<Vec<ClassId>>,
    /// Current units of each distribution.
    units: Vec<u64>,
    /// Students of each class (unordered).
    students: Vec<Vec<StudentId>>,
    /// Classes of each student (unordered).
    classes: Vec<Vec<ClassId>>,
    /// For each class, (other class, number of students in both), no zero entries.
    co: Vec<Vec<(ClassId, u32)>>,
    /// Sectioning violations of each student's enrolment.
    student_hard: Vec<u32>,
    parts: Parts,
    /// New units of the moved class's distributions, filled by the last place delta.
    scratch_units: Vec<u64>,
    scratch_times: Vec<Time>,
}

/// Whether a student in both classes has a conflict: a shared week and day and too little
/// time between them to travel (the evaluator's rule).
#[inline]
fn student_conflict(
    p: &Problem,
    a: &Time,
    ra: Option<RoomId>,
    b: &Time,
    rb: Option<RoomId>,
) -> bool {
    a.shares_day_and_week(b) && !apart(a, b, travel(p, ra, rb))
}

/// Whether two classes in the same room clash, exactly as the full evaluator decides it:
/// ordered by (start, id), the later starts before the earlier ends, on a shared week and
/// day (this also fixes what a zero-length meeting does).
#[inline]
fn room_clash(ca: ClassId, a: &Time, cb: ClassId, b: &Time) -> bool {
    let (first, second) = if (a.start, ca) < (b.start, cb) {
        (a, b)
    } else {
        (b, a)
    };
    second.start < first.end() && first.shares_day_and_week(second)
}

/// Sectioning violations of one student with these classes (the full evaluator's rules
/// and counting: course not requested per class; per requested course missing, several
/// configurations, per subpart not exactly one; parent missing per class).
fn student_violations(p: &Problem, s: StudentId, classes: &[ClassId]) -> u32 {
    let req = &p.students[s as usize].courses;
    let mut v = 0;
    for &c in classes {
        if !req.contains(&p.classes[c as usize].course) {
            v += 1;
        }
    }
    for &course in req {
        let mut first: Option<ConfigId> = None;
        let mut multiple = false;
        for &c in classes {
            let class = &p.classes[c as usize];
            if class.course != course {
                continue;
            }
            match first {
                None => first = Some(class.config),
                Some(cfg) if cfg != class.config => multiple = true,
                _ => {}
            }
        }
        let Some(cfg) = first else {
            v += 1;
            continue;
        };
        if multiple {
            v += 1;
            continue;
        }
        for sp in p.configs[cfg as usize].subparts.clone() {
            let k = classes
                .iter()
                .filter(|&&c| p.classes[c as usize].subpart == sp)
                .count();
            if k != 1 {
                v += 1;
            }
        }
        for &c in classes {
            let class = &p.classes[c as usize];
            if class.course == course
                && let Some(par) = class.parent
                && !classes.contains(&par)
            {
                v += 1;
            }
        }
    }
    v
}

fn co_add(list: &mut Vec<(ClassId, u32)>, o: ClassId, by: i32) {
    match list.iter().position(|e| e.0 == o) {
        Some(i) => {
            let n = list[i].1 as i64 + by as i64;
            debug_assert!(n >= 0);
            if n == 0 {
                list.swap_remove(i);
            } else {
                list[i].1 = n as u32;
            }
        }
        None => {
            debug_assert!(by > 0);
            list.push((o, by as u32));
        }
    }
}

impl<'p> State<'p> {
    /// The state of an assignment (its parts computed once, from scratch).
    ///
    /// # Panics
    /// If `a` does not have one entry per class, names an option a class does not have, or
    /// a student that does not exist (what [`super::parse_solution`] and the construction
    /// produce never does).
    pub fn new(p: &'p Problem, a: &Assignment) -> State<'p> {
        let n = p.classes.len();
        assert_eq!(a.time.len(), n, "one time per class");
        let mut st = State {
            p,
            time: vec![None; n],
            room: vec![None; n],
            at: vec![None; n],
            in_room: vec![None; n],
            occupants: vec![Vec::new(); p.rooms.len()],
            units: vec![0; p.distributions.len()],
            students: vec![Vec::new(); n],
            classes: vec![Vec::new(); p.students.len()],
            co: vec![Vec::new(); n],
            student_hard: vec![0; p.students.len()],
            parts: Parts::default(),
            scratch_units: Vec::new(),
            scratch_times: Vec::new(),
        };
        let mut parts = Parts::default();
        for c in 0..n as ClassId {
            let (t, r) = (a.time[c as usize], a.room[c as usize]);
            st.time[c as usize] = t;
            st.room[c as usize] = if p.classes[c as usize].needs_room() {
                r
            } else {
                None
            };
            let (at, room) = st.resolve(c, t, st.room[c as usize]);
            st.at[c as usize] = at;
            st.in_room[c as usize] = room;
            parts.add(&st.class_parts(c, t, st.room[c as usize]));
            if let (Some(time), Some(room)) = (at, room) {
                parts.hard += st.clashes(c, &time, room);
                parts.hard_units += st.clashes(c, &time, room);
                st.occupants[room as usize].push(c);
            }
        }
        for (i, d) in p.distributions.iter().enumerate() {
            let u = st.units_of(d, None);
            st.units[i] = u;
            parts.distribution += distribution_cost(p, d, u) as i64;
            if d.required && u > 0 {
                parts.hard += 1;
                parts.hard_units += u as i64;
            }
        }
        for (c, list) in a.students.iter().enumerate() {
            for &s in list {
                st.students[c].push(s);
                st.classes[s as usize].push(c as ClassId);
            }
            if list.len() as u64 > p.classes[c].limit as u64 {
                parts.hard += 1;
                parts.hard_units += 1;
            }
        }
        for s in 0..p.students.len() {
            let mine = &st.classes[s];
            let v = student_violations(p, s as StudentId, mine);
            st.student_hard[s] = v;
            parts.hard += v as i64;
            parts.hard_units += v as i64;
            for (i, &x) in mine.iter().enumerate() {
                for &y in &mine[i + 1..] {
                    co_add(&mut st.co[x as usize], y, 1);
                    co_add(&mut st.co[y as usize], x, 1);
                    if st.conflict(x, y) {
                        parts.student += 1;
                    }
                }
            }
        }
        st.parts = parts;
        st
    }

    /// The problem.
    pub fn problem(&self) -> &'p Problem {
        self.p
    }

    /// The current parts.
    pub fn parts(&self) -> Parts {
        self.parts
    }

    /// The chosen time option of class `c`.
    pub fn time_option(&self, c: ClassId) -> Option<u32> {
        self.time[c as usize]
    }

    /// The chosen room option of class `c` (None for a class without rooms).
    pub fn room_option(&self, c: ClassId) -> Option<u32> {
        self.room[c as usize]
    }

    /// The time of class `c`, if placed.
    pub fn time_of(&self, c: ClassId) -> Option<Time> {
        self.at[c as usize]
    }

    /// The students of class `c` (unordered).
    pub fn students_of(&self, c: ClassId) -> &[StudentId] {
        &self.students[c as usize]
    }

    /// The classes of student `s` (unordered).
    pub fn classes_of(&self, s: StudentId) -> &[ClassId] {
        &self.classes[s as usize]
    }

    /// Current units of distribution `d`.
    pub fn units(&self, d: u32) -> u64 {
        self.units[d as usize]
    }

    /// The state as an [`Assignment`] (students ascending, as the evaluator expects).
    pub fn assignment(&self) -> Assignment {
        let mut students = self.students.clone();
        for l in &mut students {
            l.sort_unstable();
        }
        Assignment {
            time: self.time.clone(),
            room: self.room.clone(),
            students,
        }
    }

    /// The time and room a choice of options means (a room only for a placed class).
    #[inline]
    fn resolve(
        &self,
        c: ClassId,
        t: Option<u32>,
        r: Option<u32>,
    ) -> (Option<Time>, Option<RoomId>) {
        let Some(t) = t else {
            return (None, None);
        };
        let time = self.p.times(c)[t as usize].time;
        let room = r.map(|r| self.p.rooms_of(c)[r as usize].room);
        (Some(time), room)
    }

    /// Whether two classes both placed give a student in both a conflict.
    #[inline]
    fn conflict(&self, x: ClassId, y: ClassId) -> bool {
        match (self.at[x as usize], self.at[y as usize]) {
            (Some(a), Some(b)) => student_conflict(
                self.p,
                &a,
                self.in_room[x as usize],
                &b,
                self.in_room[y as usize],
            ),
            _ => false,
        }
    }

    /// The parts that depend on class `c`'s options alone: time and room penalties,
    /// unassigned, missing room, room unavailable.
    fn class_parts(&self, c: ClassId, t: Option<u32>, r: Option<u32>) -> Parts {
        let p = self.p;
        let mut d = Parts::default();
        let Some(t) = t else {
            d.hard = 1;
            d.hard_units = 1;
            return d;
        };
        let opt = p.times(c)[t as usize];
        d.time = opt.penalty as i64;
        if !p.classes[c as usize].needs_room() {
            return d;
        }
        let Some(r) = r else {
            d.hard = 1;
            d.hard_units = 1;
            return d;
        };
        let ro = p.rooms_of(c)[r as usize];
        d.room = ro.penalty as i64;
        if p.rooms[ro.room as usize]
            .unavailable
            .iter()
            .any(|u| opt.time.overlaps(u))
        {
            d.hard = 1;
            d.hard_units = 1;
        }
        d
    }

    /// Room clashes class `c` at `time` in `room` would have with the room's other
    /// occupants.
    #[inline]
    fn clashes(&self, c: ClassId, time: &Time, room: RoomId) -> i64 {
        self.occupants[room as usize]
            .iter()
            .filter(|&&o| {
                o != c && room_clash(c, time, o, self.at[o as usize].as_ref().expect("placed"))
            })
            .count() as i64
    }

    /// Units of distribution `d`, with class `over.0` (if given) at time/room `over.1`
    /// instead of where it is.
    fn units_of(
        &mut self,
        d: &Distribution,
        over: Option<(ClassId, Option<Time>, Option<RoomId>)>,
    ) -> u64 {
        let get = |st: &State, c: ClassId| match over {
            Some((x, t, r)) if x == c => (t, r),
            _ => (st.at[c as usize], st.in_room[c as usize]),
        };
        if d.kind.is_pairwise() {
            let mut units = 0;
            for (i, &a) in d.classes.iter().enumerate() {
                let (Some(ta), ra) = get(self, a) else {
                    continue;
                };
                for &b in &d.classes[i + 1..] {
                    if let (Some(tb), rb) = get(self, b)
                        && !pair_ok(self.p, d.kind, &ta, ra, &tb, rb)
                    {
                        units += 1;
                    }
                }
            }
            units
        } else {
            let mut times = std::mem::take(&mut self.scratch_times);
            times.clear();
            times.extend(d.classes.iter().filter_map(|&c| get(self, c).0));
            let u = set_units(self.p, d.kind, &times);
            self.scratch_times = times;
            u
        }
    }

    /// Change of a pairwise distribution's units when class `c` goes from `old` to `new`:
    /// only the pairs of positions holding `c` are looked at (a class listed twice is
    /// paired with itself once, with both sides moved).
    fn pair_units_delta(
        &self,
        d: &Distribution,
        c: ClassId,
        old: (Option<Time>, Option<RoomId>),
        new: (Option<Time>, Option<RoomId>),
    ) -> i64 {
        let p = self.p;
        let mut delta = 0i64;
        for (i, &x) in d.classes.iter().enumerate() {
            if x != c {
                continue;
            }
            for (j, &y) in d.classes.iter().enumerate() {
                if j == i || (y == c && j < i) {
                    continue;
                }
                let fails = |me: (Option<Time>, Option<RoomId>)| -> bool {
                    let other = if y == c {
                        me
                    } else {
                        (self.at[y as usize], self.in_room[y as usize])
                    };
                    let (Some(ta), Some(tb)) = (me.0, other.0) else {
                        return false;
                    };
                    if i < j {
                        !pair_ok(p, d.kind, &ta, me.1, &tb, other.1)
                    } else {
                        !pair_ok(p, d.kind, &tb, other.1, &ta, me.1)
                    }
                };
                delta += fails(new) as i64 - fails(old) as i64;
            }
        }
        delta
    }

    /// The change placing class `c` at options (`t`, `r`) would make; fills
    /// `scratch_units` with the new units of `c`'s distributions (in
    /// `class_distributions` order) for [`Self::apply_place`].
    fn place_delta(&mut self, c: ClassId, t: Option<u32>, r: Option<u32>) -> Parts {
        let p = self.p;
        let r = if p.classes[c as usize].needs_room() {
            r
        } else {
            None
        };
        let (old_t, old_r) = (self.time[c as usize], self.room[c as usize]);
        let mut d = self.class_parts(c, t, r);
        let before = self.class_parts(c, old_t, old_r);
        d.time -= before.time;
        d.room -= before.room;
        d.hard -= before.hard;
        d.hard_units -= before.hard_units;
        let old = (self.at[c as usize], self.in_room[c as usize]);
        let new = self.resolve(c, t, r);
        // Room clashes.
        if let (Some(time), Some(room)) = old {
            let k = self.clashes(c, &time, room);
            d.hard -= k;
            d.hard_units -= k;
        }
        if let (Some(time), Some(room)) = new {
            let k = self.clashes(c, &time, room);
            d.hard += k;
            d.hard_units += k;
        }
        // Distributions.
        let mut out = std::mem::take(&mut self.scratch_units);
        out.clear();
        for &di in &p.class_distributions[c as usize] {
            let dist = &p.distributions[di as usize];
            let was = self.units[di as usize];
            let now = if dist.kind.is_pairwise() {
                (was as i64 + self.pair_units_delta(dist, c, old, new)) as u64
            } else {
                self.units_of(dist, Some((c, new.0, new.1)))
            };
            out.push(now);
            if now != was {
                d.distribution +=
                    distribution_cost(p, dist, now) as i64 - distribution_cost(p, dist, was) as i64;
                if dist.required {
                    d.hard += (now > 0) as i64 - (was > 0) as i64;
                    d.hard_units += now as i64 - was as i64;
                }
            }
        }
        self.scratch_units = out;
        // Student conflicts, through the shared-student counts.
        if old != new {
            for &(o, n) in &self.co[c as usize] {
                let Some(to) = self.at[o as usize] else {
                    continue;
                };
                let ro = self.in_room[o as usize];
                let was = old
                    .0
                    .is_some_and(|ta| student_conflict(p, &ta, old.1, &to, ro));
                let now = new
                    .0
                    .is_some_and(|ta| student_conflict(p, &ta, new.1, &to, ro));
                d.student += (now as i64 - was as i64) * n as i64;
            }
        }
        d
    }

    fn apply_place(&mut self, c: ClassId, t: Option<u32>, r: Option<u32>) -> Parts {
        let d = self.place_delta(c, t, r);
        let p = self.p;
        let r = if p.classes[c as usize].needs_room() {
            r
        } else {
            None
        };
        if let Some(room) = self.in_room[c as usize] {
            let occ = &mut self.occupants[room as usize];
            let i = occ.iter().position(|&x| x == c).expect("in its room");
            occ.swap_remove(i);
        }
        let (at, room) = self.resolve(c, t, r);
        self.time[c as usize] = t;
        self.room[c as usize] = r;
        self.at[c as usize] = at;
        self.in_room[c as usize] = room;
        if let (Some(_), Some(room)) = (at, room) {
            self.occupants[room as usize].push(c);
        }
        for (k, &di) in p.class_distributions[c as usize].iter().enumerate() {
            self.units[di as usize] = self.scratch_units[k];
        }
        self.parts.add(&d);
        d
    }

    /// The change giving student `s` exactly `new` as classes of `course` would make
    /// (their other classes kept). Reports the resulting class list in `mine`.
    fn enrol_delta(
        &self,
        s: StudentId,
        course: CourseId,
        new: &[ClassId],
        mine: &mut Vec<ClassId>,
    ) -> Parts {
        let p = self.p;
        let mut d = Parts::default();
        let old_list = &self.classes[s as usize];
        mine.clear();
        mine.extend(
            old_list
                .iter()
                .copied()
                .filter(|&c| p.classes[c as usize].course != course),
        );
        let kept = mine.len();
        mine.extend_from_slice(new);
        // Limits of the classes that lose or gain the student.
        for &x in old_list {
            if p.classes[x as usize].course == course && !new.contains(&x) {
                let n = self.students[x as usize].len() as u64;
                let lim = p.classes[x as usize].limit as u64;
                d.hard -= (n > lim && n - 1 <= lim) as i64;
            }
        }
        for &y in new {
            if !old_list.contains(&y) {
                let n = self.students[y as usize].len() as u64;
                let lim = p.classes[y as usize].limit as u64;
                d.hard += (n <= lim && n + 1 > lim) as i64;
            }
        }
        // Conflicts: the course's classes with each other and with the kept ones.
        let course_conflicts = |list: &[ClassId], others: &[ClassId]| -> i64 {
            let mut k = 0;
            for (i, &x) in list.iter().enumerate() {
                for &y in &list[i + 1..] {
                    k += self.conflict(x, y) as i64;
                }
                for &y in others {
                    k += self.conflict(x, y) as i64;
                }
            }
            k
        };
        let old_course: Vec<ClassId> = old_list
            .iter()
            .copied()
            .filter(|&c| p.classes[c as usize].course == course)
            .collect();
        d.student =
            course_conflicts(new, &mine[..kept]) - course_conflicts(&old_course, &mine[..kept]);
        let v = student_violations(p, s, mine) as i64 - self.student_hard[s as usize] as i64;
        d.hard += v;
        d.hard_units = d.hard;
        d
    }

    fn apply_enrol(&mut self, s: StudentId, course: CourseId, new: &[ClassId]) -> Parts {
        let mut mine = Vec::new();
        let d = self.enrol_delta(s, course, new, &mut mine);
        let p = self.p;
        let old = std::mem::take(&mut self.classes[s as usize]);
        // Leave the course's classes (removing shared counts with all the student's
        // classes), then join the new ones.
        let mut cur: Vec<ClassId> = Vec::with_capacity(old.len());
        let (gone, stay): (Vec<ClassId>, Vec<ClassId>) = old
            .into_iter()
            .partition(|&c| p.classes[c as usize].course == course);
        cur.extend(&stay);
        for (i, &x) in gone.iter().enumerate() {
            for &y in stay.iter().chain(&gone[i + 1..]) {
                co_add(&mut self.co[x as usize], y, -1);
                co_add(&mut self.co[y as usize], x, -1);
            }
            let list = &mut self.students[x as usize];
            let k = list.iter().position(|&t| t == s).expect("enrolled");
            list.swap_remove(k);
        }
        for &y in new {
            for &x in &cur {
                co_add(&mut self.co[x as usize], y, 1);
                co_add(&mut self.co[y as usize], x, 1);
            }
            cur.push(y);
            self.students[y as usize].push(s);
        }
        self.student_hard[s as usize] = student_violations(p, s, &cur);
        self.classes[s as usize] = cur;
        self.parts.add(&d);
        d
    }

    /// What `m` would change (nothing is changed; `&mut` only for scratch space).
    ///
    /// # Panics
    /// On an option a class does not have, or an enrolment listing a class twice or a class
    /// of another course.
    pub fn delta(&mut self, m: &Move) -> Parts {
        match m {
            Move::Place { class, time, room } => self.place_delta(*class, *time, *room),
            Move::Enrol {
                student,
                course,
                classes,
            } => {
                self.check_enrol(*course, classes);
                let mut mine = Vec::new();
                self.enrol_delta(*student, *course, classes, &mut mine)
            }
        }
    }

    /// Applies `m` and returns what it changed.
    ///
    /// # Panics
    /// As [`Self::delta`].
    pub fn apply(&mut self, m: &Move) -> Parts {
        match m {
            Move::Place { class, time, room } => self.apply_place(*class, *time, *room),
            Move::Enrol {
                student,
                course,
                classes,
            } => {
                self.check_enrol(*course, classes);
                self.apply_enrol(*student, *course, classes)
            }
        }
    }

    /// A shortcut for the search: the change of placing class `c` at (`t`, `r`).
    #[inline]
    pub fn delta_place(&mut self, c: ClassId, t: Option<u32>, r: Option<u32>) -> Parts {
        self.place_delta(c, t, r)
    }

    /// Places class `c` at (`t`, `r`) and returns the change.
    #[inline]
    pub fn apply_place_move(&mut self, c: ClassId, t: Option<u32>, r: Option<u32>) -> Parts {
        self.apply_place(c, t, r)
    }

    /// The change of giving student `s` the classes `new` of `course`.
    pub fn delta_enrol(&self, s: StudentId, course: CourseId, new: &[ClassId]) -> Parts {
        let mut mine = Vec::new();
        self.enrol_delta(s, course, new, &mut mine)
    }

    /// Gives student `s` the classes `new` of `course` and returns the change.
    pub fn apply_enrol_move(&mut self, s: StudentId, course: CourseId, new: &[ClassId]) -> Parts {
        self.apply_enrol(s, course, new)
    }

    fn check_enrol(&self, course: CourseId, classes: &[ClassId]) {
        for (i, &c) in classes.iter().enumerate() {
            assert_eq!(
                self.p.classes[c as usize].course, course,
                "an enrolment move lists a class of another course"
            );
            assert!(
                !classes[i + 1..].contains(&c),
                "an enrolment move lists a class twice"
            );
        }
    }

    /// How many students are enrolled in class `c`.
    pub fn enrolled(&self, c: ClassId) -> usize {
        self.students[c as usize].len()
    }
}
