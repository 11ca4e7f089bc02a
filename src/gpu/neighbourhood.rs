//! The GPU searches: `shaders/neighbourhood.wgsl` computes, in one dispatch, the exact cost
//! change of every (lecture → period, room) move of a `.ctt` timetable (comp07: 434 × 25 ×
//! 20 ≈ 217 k moves) from the timetable's counters, and reduces them to the best admissible
//! move of each workgroup. [`tabu_search`] drives it: apply the best move on the CPU
//! ([`crate::eval::IncrementalState`], which also checks the GPU's delta), re-upload only the counter
//! words the move changed, forbid the lecture's old period for a while, repeat. A scalar
//! delta-evaluating CPU core makes a few million moves a second but can only sample the
//! neighbourhood; a GPU evaluates it all at once, which is what steepest-descent / tabu
//! intensification needs.
//!
//! This file holds the sizing and packing (the plan, the buffer layout); `counters.rs` the
//! counters and the delta check, `tabu.rs` the tabu loop over any [`MoveSource`], and
//! `device.rs` (feature `gpu`) the wgpu side.
//! Campus instances (multi-period lectures, placement rules, daily maxima, reference
//! timetables) are not modelled by the kernel: [`plan`] refuses them with the reason, and
//! the CPU searches as before.

use serde::Serialize;

use super::GpuError;
use crate::eval::score::weights;
use crate::model::{CourseId, Instance, LectureId, PeriodId, RoomId};

/// The scoring kernel (`best`, `all_deltas`), without what the host prepends.
pub const SHADER: &str = include_str!("../../shaders/neighbourhood.wgsl");
/// The apply pass (the second pass of a step), without what the host prepends.
pub const APPLY_SHADER: &str = include_str!("../../shaders/apply.wgsl");
/// What both modules share, put after the constants.
pub const COMMON_SHADER: &str = include_str!("../../shaders/neighbourhood_common.wgsl");
/// `NONE` of the shader: a move the one-lecture-per-course-per-period invariant forbids.
pub const FORBIDDEN: i32 = i32::MAX;
/// Lanes per workgroup at most (the reduction's width; fewer on a smaller adapter).
pub const MAX_WORKGROUP: u32 = 64;
/// Workgroups in one dimension of a dispatch (the WebGPU minimum).
const MAX_GROUPS_X: u32 = 65_535;
/// Steps of one tabu phase in a run without a time limit (the solver runs one phase per
/// generation, beside the islands' annealing, on the best timetable so far).
pub const TABU_STEPS: u32 = 400;
/// In a timed run a phase lasts while the islands refine: at least this many steps...
pub const TABU_MIN_STEPS: u32 = 50;
/// ...and at most this many.
pub const TABU_MAX_STEPS: u32 = 20_000;
/// Share of the memory budget the neighbourhood's GPU buffers may take.
pub const GPU_MEMORY_SHARE: f64 = 0.125;
/// Steps one submission to the device holds at most (the apply pass logs each walk's
/// steps of a submission in a buffer of this many entries). [`run_walks`] sizes each
/// submission up to it from the time the last one took ([`SUBMISSION_TARGET`]).
pub const MAX_STEPS_PER_SUBMISSION: u32 = 256;
/// Tabu walks one dispatch advances at most (one per island: the solver pairs walk k with
/// island k). A step's time is the GPU round trip's, nearly the same for one walk or many,
/// so walks sharing a dispatch multiply the steps a second; the cap bounds the driving
/// thread's share of the work (it applies every walk's move on the CPU).
pub const MAX_WALKS: u32 = 32;

/// A deliberately wrong kernel, for the tests that prove the checks can fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The kernel as it is.
    None,
    /// The scoring kernel leaves room stability out of its deltas.
    Delta,
    /// The apply pass forgets the rooms a course uses: the deltas of later steps go wrong.
    Apply,
}

/// The adapter limits the sizing reads (`wgpu::Limits` in part, so it can be tested without
/// a device).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AdapterLimits {
    pub max_storage_buffer_binding_size: u64,
    pub max_compute_workgroup_storage_size: u32,
    pub max_compute_invocations_per_workgroup: u32,
    pub max_compute_workgroup_size_x: u32,
}

impl AdapterLimits {
    /// WebGPU's guaranteed minimums (every adapter offers at least these).
    pub const WEBGPU_DEFAULT: AdapterLimits = AdapterLimits {
        max_storage_buffer_binding_size: 128 << 20,
        max_compute_workgroup_storage_size: 16_384,
        max_compute_invocations_per_workgroup: 256,
        max_compute_workgroup_size_x: 256,
    };
}

/// Where each array lives in the instance buffer (`I_*`) and the state buffer (`S_*`), in
/// words, plus the sizes: what the shader's constants say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub nl: usize,
    pub nc: usize,
    pub np: usize,
    pub nr: usize,
    pub ng: usize,
    pub nd: usize,
    pub ppd: usize,
    /// Words of a course bit set.
    pub cw: usize,
    i_lc: usize,
    i_unav: usize,
    i_excess: usize,
    i_conf: usize,
    i_curs: usize,
    i_curl: usize,
    i_need: usize,
    i_mwd: usize,
    s_slot: usize,
    s_pres: usize,
    s_rc: usize,
    s_dc: usize,
    s_cdays: usize,
    s_ru: usize,
    s_crooms: usize,
    s_ccount: usize,
    s_cpl: usize,
    s_tabu: usize,
    /// Words of the state buffer.
    pub state_words: usize,
}

/// How the neighbourhood is laid out on this adapter and why: sizes from the adapter's
/// limits and the memory budget, shown in the page's Environment panel and in reports.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// Moves one dispatch evaluates (lectures × periods × rooms).
    pub moves: u64,
    /// Invocations (one per lecture and period, looping over the rooms).
    pub invocations: u64,
    pub workgroup: u32,
    /// Workgroups per walk.
    pub groups: u32,
    /// Walks the buffers hold (at most [`MAX_WALKS`], fewer when the memory budget's share
    /// or a binding limit says so): one dispatch moves all of them a step.
    pub walks: u32,
    pub instance_bytes: u64,
    /// Counter bytes of one walk.
    pub state_bytes: u64,
    /// Candidate bytes per step and walk (one per workgroup; they stay on the device).
    pub candidate_bytes: u64,
    /// Steps one submission holds at most ([`MAX_STEPS_PER_SUBMISSION`]).
    pub steps_per_submission: u32,
    /// Bytes of one walk's step log, read back after each submission.
    pub trail_bytes: u64,
    /// Bytes of every move's delta (the exactness check's buffer); `None` when that buffer
    /// would pass a limit (the search does not need it).
    pub all_deltas_bytes: Option<u64>,
    pub limits: AdapterLimits,
    /// The memory budget's share for these buffers, bytes.
    pub memory_cap_bytes: u64,
}

impl Plan {
    /// The plan in words, one line per fact (the Environment panel's lines).
    pub fn lines(&self) -> Vec<String> {
        vec![
            format!(
                "GPU neighbourhood: {} moves per walk and step ({} invocations, {} workgroups of {}); walks per dispatch: up to {}",
                self.moves, self.invocations, self.groups, self.workgroup, self.walks
            ),
            format!(
                "GPU steps per submission: up to {} (the GPU applies each walk's move itself; the host replays and checks them after each submission)",
                self.steps_per_submission
            ),
            format!(
                "GPU buffers per walk: counters {} B, candidates {} B, step log {} B read back per submission; instance {} B (cap {} B of the memory budget)",
                self.state_bytes,
                self.candidate_bytes,
                self.trail_bytes,
                self.instance_bytes,
                self.memory_cap_bytes
            ),
            format!(
                "adapter limits: storage binding {} B, workgroup memory {} B, {} invocations per workgroup",
                self.limits.max_storage_buffer_binding_size,
                self.limits.max_compute_workgroup_storage_size,
                self.limits.max_compute_invocations_per_workgroup
            ),
        ]
    }
}

/// Why the kernel cannot model `inst`, if it cannot: the campus rules and re-solving are
/// the CPU's.
pub fn unsupported(inst: &Instance) -> Option<String> {
    if inst.uses_campus_features() {
        return Some(
            "the GPU neighbourhood models the .ctt rules only; this instance has campus \
             features (multi-period lectures, placement rules, teacher preferences, daily \
             maxima): the CPU searches"
                .into(),
        );
    }
    if inst.has_reference() {
        return Some(
            "the GPU neighbourhood does not model the changes to a reference timetable: the \
             CPU searches"
                .into(),
        );
    }
    if inst.courses.is_empty() || inst.rooms.is_empty() || inst.n_lectures() == 0 {
        return Some("the instance has no courses, rooms or lectures".into());
    }
    None
}

impl Layout {
    pub fn of(inst: &Instance) -> Layout {
        let nl = inst.n_lectures();
        let nc = inst.courses.len();
        let np = inst.n_periods();
        let nr = inst.rooms.len();
        let ng = inst.curricula.len();
        let nd = inst.days as usize;
        let cw = nc.div_ceil(32).max(1);
        let n_curl: usize = (0..nc)
            .map(|c| inst.curricula_of(CourseId(c as u16)).len())
            .sum();
        let i_lc = 0;
        let i_unav = i_lc + nl;
        let i_excess = i_unav + (nc * np).div_ceil(32).max(1);
        let i_conf = i_excess + nc * nr;
        let i_curs = i_conf + nc * cw;
        let i_curl = i_curs + nc + 1;
        let i_need = i_curl + n_curl.max(1);
        let i_mwd = i_need + nc;
        let s_slot = 0;
        let s_pres = s_slot + nl;
        let s_rc = s_pres + np * cw;
        let s_dc = s_rc + np * nr;
        let s_cdays = s_dc + nc * nd;
        let s_ru = s_cdays + nc;
        let s_crooms = s_ru + nc * nr;
        let s_ccount = s_crooms + nc;
        let s_cpl = s_ccount + nc;
        let s_tabu = s_cpl + (ng * np).max(1);
        let state_words = s_tabu + nl * np;
        let _ = i_mwd + nc;
        Layout {
            nl,
            nc,
            np,
            nr,
            ng,
            nd,
            ppd: inst.periods_per_day as usize,
            cw,
            i_lc,
            i_unav,
            i_excess,
            i_conf,
            i_curs,
            i_curl,
            i_need,
            i_mwd,
            s_slot,
            s_pres,
            s_rc,
            s_dc,
            s_cdays,
            s_ru,
            s_crooms,
            s_ccount,
            s_cpl,
            s_tabu,
            state_words,
        }
    }

    /// The instance buffer.
    pub fn instance_words(&self, inst: &Instance) -> Vec<u32> {
        let mut w = Vec::new();
        w.extend(inst.lecture_courses().iter().map(|c| c.0 as u32));
        debug_assert_eq!(w.len(), self.i_unav);
        w.resize(self.i_excess, 0);
        for c in 0..self.nc {
            for p in 0..self.np {
                if inst.is_unavailable(CourseId(c as u16), PeriodId(p as u16)) {
                    let b = c * self.np + p;
                    w[self.i_unav + b / 32] |= 1 << (b % 32);
                }
            }
        }
        for c in 0..self.nc {
            for r in 0..self.nr {
                w.push(inst.excess(CourseId(c as u16), RoomId(r as u16)));
            }
        }
        w.resize(self.i_curs, 0);
        for c in 0..self.nc {
            for &o in inst.conflicting(CourseId(c as u16)) {
                w[self.i_conf + c * self.cw + o.idx() / 32] |= 1 << (o.idx() % 32);
            }
        }
        let mut list = Vec::new();
        for c in 0..self.nc {
            w.push(list.len() as u32);
            list.extend(
                inst.curricula_of(CourseId(c as u16))
                    .iter()
                    .map(|g| g.0 as u32),
            );
        }
        w.push(list.len() as u32);
        w.extend(list);
        w.resize(self.i_need, 0);
        w.extend(inst.courses.iter().map(|c| c.lectures as u32));
        w.extend(inst.courses.iter().map(|c| c.min_working_days as u32));
        w
    }

    /// Steps a lecture's old period stays tabu at least, for an instance of `nl`
    /// lectures (at most twice this; see [`tenure`]).
    pub fn tenure_base(nl: usize) -> u32 {
        10 + (nl as u32 / 40).min(20)
    }

    /// The scoring module for this layout: its constants, the shared part, the kernel.
    pub fn shader(&self, workgroup: u32) -> String {
        self.module(workgroup, SHADER)
    }

    /// The apply module for this layout: its constants, the shared part, the pass.
    pub fn apply_shader(&self, workgroup: u32) -> String {
        self.module(workgroup, APPLY_SHADER)
    }

    fn module(&self, workgroup: u32, body: &str) -> String {
        let mut s = String::new();
        let mut k = |name: &str, v: usize| s.push_str(&format!("const {name}: u32 = {v}u;\n"));
        k("NL", self.nl);
        k("NC", self.nc);
        k("NP", self.np);
        k("NR", self.nr);
        k("ND", self.nd);
        k("PPD", self.ppd);
        k("CW", self.cw);
        k("WG", workgroup as usize);
        k(
            "GPW",
            (self.nl * self.np).div_ceil(workgroup as usize).max(1),
        );
        k("CHUNK", MAX_STEPS_PER_SUBMISSION as usize);
        k("TENURE", Self::tenure_base(self.nl) as usize);
        k("I_LC", self.i_lc);
        k("I_UNAV", self.i_unav);
        k("I_EXCESS", self.i_excess);
        k("I_CONF", self.i_conf);
        k("I_CURS", self.i_curs);
        k("I_CURL", self.i_curl);
        k("I_NEED", self.i_need);
        k("I_MWD", self.i_mwd);
        k("S_SLOT", self.s_slot);
        k("S_PRES", self.s_pres);
        k("S_RC", self.s_rc);
        k("S_DC", self.s_dc);
        k("S_CDAYS", self.s_cdays);
        k("S_RU", self.s_ru);
        k("S_CROOMS", self.s_crooms);
        k("S_CCOUNT", self.s_ccount);
        k("S_CPL", self.s_cpl);
        k("S_TABU", self.s_tabu);
        k("S_LEN", self.state_words);
        let mut i = |name: &str, v: u32| s.push_str(&format!("const {name}: i32 = {v};\n"));
        i("W_CAP", weights::ROOM_CAPACITY);
        i("W_MWD", weights::MIN_WORKING_DAYS);
        i("W_CC", weights::CURRICULUM_COMPACTNESS);
        i("W_RS", weights::ROOM_STABILITY);
        s.push_str(COMMON_SHADER);
        s.push_str(body);
        s
    }

    /// The move index the kernel reports, as (lecture, period, room).
    pub fn decode(&self, m: u32) -> (LectureId, PeriodId, RoomId) {
        let m = m as usize;
        let r = m % self.nr;
        let i = m / self.nr;
        (
            LectureId((i / self.np) as u32),
            PeriodId((i % self.np) as u16),
            RoomId(r as u16),
        )
    }

    /// The index of move (l → p, r) in the all-deltas output (pairs of words).
    pub fn index(&self, l: usize, p: usize, r: usize) -> usize {
        (l * self.np + p) * self.nr + r
    }
}

/// Sizes the neighbourhood for `inst` on an adapter with `limits` and `memory_bytes` of
/// memory budget (its [`GPU_MEMORY_SHARE`] is the cap), for up to `max_walks` walks per
/// dispatch (at least one fits, or it says why not).
pub fn plan(
    inst: &Instance,
    limits: AdapterLimits,
    memory_bytes: u64,
    max_walks: u32,
) -> Result<Plan, GpuError> {
    if let Some(why) = unsupported(inst) {
        return Err(GpuError::Unsupported(why));
    }
    let layout = Layout::of(inst);
    // The widest power of two the adapter runs and whose reduction arrays (four words a
    // lane) fit its workgroup memory.
    let lanes = MAX_WORKGROUP
        .min(limits.max_compute_invocations_per_workgroup)
        .min(limits.max_compute_workgroup_size_x)
        .min(limits.max_compute_workgroup_storage_size / 16);
    if lanes == 0 {
        return Err(GpuError::TooLarge {
            what: "workgroup memory for one lane's reduction (bytes)",
            need: 16,
            limit: limits.max_compute_workgroup_storage_size as u64,
        });
    }
    let workgroup = 1u32 << (31 - lanes.leading_zeros());
    let invocations = (layout.nl * layout.np) as u64;
    let groups = invocations.div_ceil(workgroup as u64);
    if groups > MAX_GROUPS_X as u64 * MAX_GROUPS_X as u64 {
        return Err(GpuError::TooLarge {
            what: "workgroups of the neighbourhood dispatch",
            need: groups,
            limit: MAX_GROUPS_X as u64 * MAX_GROUPS_X as u64,
        });
    }
    let instance_bytes = 4 * layout.instance_words(inst).len() as u64;
    let state_bytes = 4 * layout.state_words as u64;
    let candidate_bytes = 16 * groups;
    let trail_bytes = 12 * MAX_STEPS_PER_SUBMISSION as u64;
    let binding = limits.max_storage_buffer_binding_size;
    for (what, need) in [
        ("instance buffer (bytes)", instance_bytes),
        ("counter buffer (bytes)", state_bytes),
        (
            "candidate and step log buffer (bytes)",
            candidate_bytes + trail_bytes,
        ),
    ] {
        if need > binding {
            return Err(GpuError::TooLarge {
                what,
                need,
                limit: binding,
            });
        }
    }
    let memory_cap_bytes = (memory_bytes as f64 * GPU_MEMORY_SHARE) as u64;
    let held_by = |walks: u64| {
        instance_bytes
            + walks * (state_bytes + candidate_bytes + 2 * trail_bytes + STEP_WORDS as u64 * 4)
    };
    if held_by(1) > memory_cap_bytes {
        return Err(GpuError::TooLarge {
            what: "GPU buffers within the memory budget's share (bytes)",
            need: held_by(1),
            limit: memory_cap_bytes,
        });
    }
    let walks = (1..=max_walks.clamp(1, MAX_WALKS) as u64)
        .take_while(|&k| {
            held_by(k) <= memory_cap_bytes
                && k * state_bytes <= binding
                && k * (candidate_bytes + trail_bytes) <= binding
                && k * groups <= MAX_GROUPS_X as u64 * MAX_GROUPS_X as u64
        })
        .last()
        .unwrap_or(1);
    let held = held_by(walks);
    let all = 8 * invocations * layout.nr as u64;
    Ok(Plan {
        moves: invocations * layout.nr as u64,
        invocations,
        workgroup,
        groups: groups as u32,
        walks: walks as u32,
        instance_bytes,
        state_bytes,
        candidate_bytes,
        steps_per_submission: MAX_STEPS_PER_SUBMISSION,
        trail_bytes,
        all_deltas_bytes: (all <= binding && held + 2 * all <= memory_cap_bytes).then_some(all),
        limits,
        memory_cap_bytes,
    })
}

/// The dispatch's grid for `groups` workgroups: (x, y) with x ≤ 65,535.
pub fn grid(groups: u32) -> (u32, u32) {
    let gx = groups.clamp(1, MAX_GROUPS_X);
    (gx, groups.div_ceil(gx).max(1))
}

// The counters the kernel reads, and the check of its deltas.
mod counters;
// The tabu driver over any move source.
mod tabu;

pub use counters::{Counters, DeltaCheck, MERGE_GAP, check_deltas};
pub use tabu::{
    FIRST_SUBMISSION_STEPS, Logged, MoveSource, STEP_WORDS, SUBMISSION_TARGET, StepParams,
    TABU_STALL_STEPS, TabuParams, TabuStats, TabuWalk, mix32, run_walks, tabu_search, tenure,
};

#[cfg(feature = "gpu")]
pub use device::Neighbourhood;

// The wgpu side (buffers, pipelines, dispatch).
#[cfg(feature = "gpu")]
mod device;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Slot, Timetable};

    fn tiny() -> Instance {
        let text = "Name: tiny\nCourses: 2\nRooms: 2\nDays: 2\nPeriods_per_day: 2\nCurricula: 1\nConstraints: 0\n\nCOURSES:\nc1 t1 2 2 10\nc2 t2 1 1 20\n\nROOMS:\nr1 10\nr2 30\n\nCURRICULA:\nq1 2 c1 c2\n\nUNAVAILABILITY_CONSTRAINTS:\n\nEND.\n";
        crate::parse_instance(text.as_bytes(), "tiny.ctt").unwrap()
    }

    #[test]
    fn small_adapters_are_refused_with_the_limit_named() {
        let inst = tiny();
        let ok = plan(&inst, AdapterLimits::WEBGPU_DEFAULT, 1 << 30, MAX_WALKS).unwrap();
        assert_eq!(ok.workgroup, 64);
        assert_eq!(
            ok.moves,
            3 * 4 * 2,
            "three lectures, four periods, two rooms"
        );
        let narrow = AdapterLimits {
            max_compute_invocations_per_workgroup: 48,
            ..AdapterLimits::WEBGPU_DEFAULT
        };
        assert_eq!(plan(&inst, narrow, 1 << 30, 1).unwrap().workgroup, 32);
        let no_shared = AdapterLimits {
            max_compute_workgroup_storage_size: 8,
            ..AdapterLimits::WEBGPU_DEFAULT
        };
        let e = plan(&inst, no_shared, 1 << 30, 1).unwrap_err();
        assert!(e.to_string().contains("workgroup memory"), "{e}");
        let small = AdapterLimits {
            max_storage_buffer_binding_size: 64,
            ..AdapterLimits::WEBGPU_DEFAULT
        };
        let e = plan(&inst, small, 1 << 30, 1).unwrap_err();
        assert!(e.to_string().contains("buffer (bytes)"), "{e}");
        let e = plan(&inst, AdapterLimits::WEBGPU_DEFAULT, 1000, 1).unwrap_err();
        assert!(e.to_string().contains("memory budget"), "{e}");
    }

    /// Walks per dispatch: as many as asked (up to [`MAX_WALKS`]) when they fit, fewer
    /// when the memory budget's share holds fewer, one when only one fits.
    #[test]
    fn walks_are_sized_from_the_memory_budget() {
        let inst = tiny();
        let l = AdapterLimits::WEBGPU_DEFAULT;
        assert_eq!(plan(&inst, l, 1 << 30, 15).unwrap().walks, 15);
        assert_eq!(plan(&inst, l, 1 << 30, 1000).unwrap().walks, MAX_WALKS);
        let one = plan(&inst, l, 1 << 30, 1).unwrap();
        let per_walk =
            one.state_bytes + one.candidate_bytes + 2 * one.trail_bytes + 4 * STEP_WORDS as u64;
        // A budget whose share holds the instance and exactly five walks.
        let share = one.instance_bytes + 5 * per_walk;
        let memory = (share as f64 / GPU_MEMORY_SHARE).ceil() as u64;
        let five = plan(&inst, l, memory, MAX_WALKS).unwrap();
        assert_eq!(five.walks, 5, "{five:?}");
        assert!(five.lines()[0].contains("walks per dispatch: up to 5"));
    }

    #[test]
    fn counters_follow_moves_and_report_only_changed_words() {
        let inst = tiny();
        let mut tt = Timetable::empty(&inst);
        tt.set(LectureId(0), Slot::at(PeriodId(0), RoomId(0)));
        tt.set(LectureId(2), Slot::at(PeriodId(1), RoomId(1)));
        let mut c = Counters::new(&inst, &tt);
        assert!(c.take_dirty().is_empty());
        let from = tt.slot(LectureId(0));
        let to = Slot::at(PeriodId(3), RoomId(1));
        let before = c.words.clone();
        c.apply(LectureId(0), from, to);
        c.set_tabu(LectureId(0), PeriodId(0), 9);
        tt.set(LectureId(0), to);
        let runs = c.take_dirty();
        let dirty: usize = runs.iter().map(|(_, w)| w.len()).sum();
        assert!(dirty > 0 && dirty < c.words.len());
        // The runs, written over the old words, give the new ones (merged runs carry
        // unchanged words with their current values).
        let mut uploaded = before;
        for (start, ws) in &runs {
            uploaded[*start..start + ws.len()].copy_from_slice(ws);
        }
        assert_eq!(uploaded, c.words);
        let mut fresh = Counters::new(&inst, &tt);
        fresh.set_tabu(LectureId(0), PeriodId(0), 9);
        assert_eq!(c.words, fresh.words);
        assert!(
            runs.windows(2)
                .all(|w| w[0].0 + w[0].1.len() + MERGE_GAP < w[1].0)
        );
    }
}
