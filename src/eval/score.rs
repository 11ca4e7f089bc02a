//! The UD2 score: four hard violation counts and four weighted soft costs.

use serde::Serialize;

/// Weights of the soft components in UD2 (FORMAT.md §3).
pub mod weights {
    pub const ROOM_CAPACITY: u32 = 1;
    pub const MIN_WORKING_DAYS: u32 = 5;
    pub const CURRICULUM_COMPACTNESS: u32 = 2;
    pub const ROOM_STABILITY: u32 = 1;
}

/// `(hard, soft)`, compared lexicographically: any hard violation outweighs any soft cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Cost {
    pub hard: u32,
    pub soft: u32,
}

impl Cost {
    /// True when no hard constraint is violated.
    pub fn is_feasible(self) -> bool {
        self.hard == 0
    }
}

impl std::fmt::Display for Cost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "hard {} soft {}", self.hard, self.soft)
    }
}

/// Every component of the score (`docs/RULES.md`): the UD2 ones, then the campus ones.
/// Soft components are already weighted. For an instance without campus features the
/// campus components are always zero and the score is exactly UD2.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Breakdown {
    pub lectures: u32,
    pub conflicts: u32,
    pub availability: u32,
    pub room_occupancy: u32,
    /// Hard (campus): unsuitable or closed room, past the end of the day, pin not kept.
    pub placement: u32,
    pub room_capacity: u32,
    pub min_working_days: u32,
    pub curriculum_compactness: u32,
    pub room_stability: u32,
    /// Soft (campus): periods taught outside a teacher's preferred periods.
    pub teacher_preference: u32,
    /// Soft (campus): lectures beyond a group's or teacher's daily maximum.
    pub daily_limit: u32,
    /// Soft (re-solve): lectures moved away from the reference timetable.
    pub changes: u32,
}

impl Breakdown {
    /// Number of components, in the order of [`Self::components`].
    pub const COMPONENTS: usize = 12;
    /// How many of the first [`Self::components`] are hard.
    pub const HARD: usize = 5;

    /// The components as a flat array (hard counts, then weighted soft costs): the layout
    /// the GPU shader writes and the page passes between threads.
    pub fn components(&self) -> [u32; Self::COMPONENTS] {
        [
            self.lectures,
            self.conflicts,
            self.availability,
            self.room_occupancy,
            self.placement,
            self.room_capacity,
            self.min_working_days,
            self.curriculum_compactness,
            self.room_stability,
            self.teacher_preference,
            self.daily_limit,
            self.changes,
        ]
    }

    /// The inverse of [`Self::components`].
    pub fn from_components(w: [u32; Self::COMPONENTS]) -> Breakdown {
        let [
            lectures,
            conflicts,
            availability,
            room_occupancy,
            placement,
            room_capacity,
            min_working_days,
            curriculum_compactness,
            room_stability,
            teacher_preference,
            daily_limit,
            changes,
        ] = w;
        Breakdown {
            lectures,
            conflicts,
            availability,
            room_occupancy,
            placement,
            room_capacity,
            min_working_days,
            curriculum_compactness,
            room_stability,
            teacher_preference,
            daily_limit,
            changes,
        }
    }

    /// Sum of the hard violation counts.
    pub fn hard(&self) -> u32 {
        self.components()[..Self::HARD].iter().sum()
    }

    /// Sum of the weighted soft costs (the "Total Cost" of the validator).
    pub fn soft(&self) -> u32 {
        self.components()[Self::HARD..].iter().sum()
    }

    /// `(hard, soft)`.
    pub fn cost(&self) -> Cost {
        Cost {
            hard: self.hard(),
            soft: self.soft(),
        }
    }

    /// The breakdown as the official validator prints it, plus the campus lines when any
    /// campus component is non-zero (they are always zero for a `.ctt` instance, whose
    /// report thus stays byte-for-byte the validator's). Callers that know the instance
    /// use [`Self::report`], which prints the campus lines for every campus instance.
    pub fn validator_report(&self) -> String {
        self.report(self.placement + self.teacher_preference + self.daily_limit + self.changes > 0)
    }

    /// The validator's lines, with the campus lines too when `campus` is true (pass
    /// `inst.uses_campus_features()`).
    pub fn report(&self, campus: bool) -> String {
        let mut s = format!(
            "Violations of Lectures (hard) : {}\n\
             Violations of Conflicts (hard) : {}\n\
             Violations of Availability (hard) : {}\n\
             Violations of RoomOccupation (hard) : {}\n",
            self.lectures, self.conflicts, self.availability, self.room_occupancy,
        );
        if campus {
            s += &format!("Violations of Placement (hard) : {}\n", self.placement);
        }
        s += &format!(
            "Cost of RoomCapacity (soft) : {}\n\
             Cost of MinWorkingDays (soft) : {}\n\
             Cost of CurriculumCompactness (soft) : {}\n\
             Cost of RoomStability (soft) : {}\n",
            self.room_capacity,
            self.min_working_days,
            self.curriculum_compactness,
            self.room_stability
        );
        if campus {
            s += &format!(
                "Cost of TeacherPreference (soft) : {}\n\
                 Cost of DailyLimit (soft) : {}\n\
                 Cost of Changes (soft) : {}\n",
                self.teacher_preference, self.daily_limit, self.changes
            );
        }
        if self.hard() > 0 {
            s += &format!(
                "Violations = {}, Total Cost = {}\n",
                self.hard(),
                self.soft()
            );
        } else {
            s += &format!("Total Cost = {}\n", self.soft());
        }
        s
    }
}

/// Whether the entry of curriculum lectures per period at `p` is isolated, as the official
/// validator tests it: `at(q)` is the number of the curriculum's lectures at period `q`
/// (0 outside the week). For two or more periods per day this is "no lecture of the
/// curriculum in an adjacent slot of the same day"; the literal form also reproduces the
/// validator for one period per day.
#[inline]
pub fn is_isolated(at: impl Fn(usize) -> u32, p: usize, ppd: usize, n_periods: usize) -> bool {
    let next = if p + 1 < n_periods { at(p + 1) } else { 0 };
    let prev = if p > 0 { at(p - 1) } else { 0 };
    (p.is_multiple_of(ppd) && next == 0)
        || (p % ppd == ppd - 1 && prev == 0)
        || (next == 0 && prev == 0)
}
