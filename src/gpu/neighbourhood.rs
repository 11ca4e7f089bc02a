//! The GPU searches: `shaders/neighbourhood.wgsl` computes, in one dispatch, the exact cost
//! change of every (lecture → period, room) move of a `.ctt` timetable (comp07: 434 × 25 ×
//! 20 ≈ 217 k moves) from the timetable's counters, and reduces them to the best admissible
//! move of each workgroup. [`tabu_search`] drives it: apply the best move on the CPU
//! ([`IncrementalState`], which also checks the GPU's delta), re-upload only the counter
//! words the move changed, forbid the lecture's old period for a while, repeat. A scalar
//! delta-evaluating CPU core makes a few million moves a second but can only sample the
//! neighbourhood; a GPU evaluates it all at once, which is what steepest-descent / tabu
//! intensification needs.
//!
//! This file holds the parts without wgpu (the packing, the counters, the sizing plan, the
//! tabu loop over any [`MoveSource`]); `Device` (feature `gpu`) is the wgpu side.
//! Campus instances (multi-period lectures, placement rules, daily maxima, reference
//! timetables) are not modelled by the kernel: [`plan`] refuses them with the reason, and
//! the CPU searches as before.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::GpuError;
use crate::eval::score::weights;
use crate::eval::{Cost, IncrementalState};
use crate::model::{CourseId, Instance, LectureId, PeriodId, RoomId, Slot, Timetable};

/// The kernel, without the constants the host prepends.
pub const SHADER: &str = include_str!("../../shaders/neighbourhood.wgsl");
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
    pub groups: u32,
    pub instance_bytes: u64,
    pub state_bytes: u64,
    /// Bytes read back per search step (one candidate per workgroup).
    pub candidate_bytes: u64,
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
                "GPU neighbourhood: {} moves per dispatch ({} invocations, {} workgroups of {})",
                self.moves, self.invocations, self.groups, self.workgroup
            ),
            format!(
                "GPU buffers: instance {} B, counters {} B, read back {} B per step (cap {} B of the memory budget)",
                self.instance_bytes, self.state_bytes, self.candidate_bytes, self.memory_cap_bytes
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

    /// The WGSL module for this layout: its constants, then the kernel.
    pub fn shader(&self, workgroup: u32) -> String {
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
        let mut i = |name: &str, v: u32| s.push_str(&format!("const {name}: i32 = {v};\n"));
        i("W_CAP", weights::ROOM_CAPACITY);
        i("W_MWD", weights::MIN_WORKING_DAYS);
        i("W_CC", weights::CURRICULUM_COMPACTNESS);
        i("W_RS", weights::ROOM_STABILITY);
        s.push_str(SHADER);
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
/// memory budget (its [`GPU_MEMORY_SHARE`] is the cap), or says why it does not fit.
pub fn plan(inst: &Instance, limits: AdapterLimits, memory_bytes: u64) -> Result<Plan, GpuError> {
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
    let binding = limits.max_storage_buffer_binding_size;
    for (what, need) in [
        ("instance buffer (bytes)", instance_bytes),
        ("counter buffer (bytes)", state_bytes),
        ("candidate buffer (bytes)", candidate_bytes),
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
    let held = instance_bytes + state_bytes + 2 * candidate_bytes;
    if held > memory_cap_bytes {
        return Err(GpuError::TooLarge {
            what: "GPU buffers within the memory budget's share (bytes)",
            need: held,
            limit: memory_cap_bytes,
        });
    }
    let all = 8 * invocations * layout.nr as u64;
    Ok(Plan {
        moves: invocations * layout.nr as u64,
        invocations,
        workgroup,
        groups: groups as u32,
        instance_bytes,
        state_bytes,
        candidate_bytes,
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

/// The counters of one timetable as the kernel reads them (the state buffer), kept current
/// move by move, remembering which words changed so only those are uploaded again.
#[derive(Clone, Debug)]
pub struct Counters {
    pub layout: Layout,
    pub words: Vec<u32>,
    dirty: Vec<usize>,
    lecture_course: Vec<u16>,
    curricula: Vec<Vec<u16>>,
}

impl Counters {
    /// The counters of `tt` (every word dirty).
    pub fn new(inst: &Instance, tt: &Timetable) -> Counters {
        let layout = Layout::of(inst);
        let mut c = Counters {
            words: vec![0; layout.state_words],
            layout,
            dirty: Vec::new(),
            lecture_course: inst.lecture_courses().iter().map(|c| c.0).collect(),
            curricula: (0..inst.courses.len())
                .map(|c| {
                    inst.curricula_of(CourseId(c as u16))
                        .iter()
                        .map(|g| g.0)
                        .collect()
                })
                .collect(),
        };
        for l in 0..c.layout.nl {
            c.words[c.layout.s_slot + l] = Slot::UNSCHEDULED.0;
        }
        for (l, s) in tt.slots().iter().enumerate().take(c.layout.nl) {
            if let Some((p, r)) = s.get() {
                c.place(l, p.idx(), r.idx(), true);
            }
        }
        c.dirty.clear();
        c
    }

    fn bump(&mut self, i: usize, up: bool) -> u32 {
        let w = &mut self.words[i];
        *w = if up { *w + 1 } else { *w - 1 };
        self.dirty.push(i);
        *w
    }

    /// Adds (`up`) or removes lecture `l` at `(p, r)`.
    fn place(&mut self, l: usize, p: usize, r: usize, up: bool) {
        let lay = self.layout.clone();
        let c = self.lecture_course[l] as usize;
        let d = p / lay.ppd;
        self.words[lay.s_slot + l] = if up {
            Slot::at(PeriodId(p as u16), RoomId(r as u16)).0
        } else {
            Slot::UNSCHEDULED.0
        };
        self.dirty.push(lay.s_slot + l);
        let pres = lay.s_pres + p * lay.cw + c / 32;
        self.words[pres] ^= 1 << (c % 32);
        self.dirty.push(pres);
        self.bump(lay.s_rc + p * lay.nr + r, up);
        self.bump(lay.s_ccount + c, up);
        let dc = self.bump(lay.s_dc + c * lay.nd + d, up);
        if (up && dc == 1) || (!up && dc == 0) {
            self.bump(lay.s_cdays + c, up);
        }
        let ru = self.bump(lay.s_ru + c * lay.nr + r, up);
        if (up && ru == 1) || (!up && ru == 0) {
            self.bump(lay.s_crooms + c, up);
        }
        for k in 0..self.curricula[c].len() {
            let g = self.curricula[c][k] as usize;
            self.bump(lay.s_cpl + g * lay.np + p, up);
        }
    }

    /// Moves `l` from `from` to `to` (either may be unscheduled).
    pub fn apply(&mut self, l: LectureId, from: Slot, to: Slot) {
        if let Some((p, r)) = from.get() {
            self.place(l.idx(), p.idx(), r.idx(), false);
        }
        if let Some((p, r)) = to.get() {
            self.place(l.idx(), p.idx(), r.idx(), true);
        }
    }

    /// Marks every word changed (the next upload sends all of them: a new timetable).
    pub fn touch_all(&mut self) {
        self.dirty = (0..self.words.len()).collect();
    }

    /// Forbids moving `l` to `p` while the search's iteration is below `until`.
    pub fn set_tabu(&mut self, l: LectureId, p: PeriodId, until: u32) {
        let i = self.layout.s_tabu + l.idx() * self.layout.np + p.idx();
        self.words[i] = until;
        self.dirty.push(i);
    }

    /// The changed words since the last call, as (first word, words) runs, and forgets them.
    pub fn take_dirty(&mut self) -> Vec<(usize, Vec<u32>)> {
        let mut d = std::mem::take(&mut self.dirty);
        d.sort_unstable();
        d.dedup();
        let mut runs: Vec<(usize, Vec<u32>)> = Vec::new();
        for i in d {
            match runs.last_mut() {
                Some((start, ws)) if *start + ws.len() == i => ws.push(self.words[i]),
                _ => runs.push((i, vec![self.words[i]])),
            }
        }
        runs
    }
}

/// How a neighbourhood's deltas compare with the CPU's.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DeltaCheck {
    /// Moves compared.
    pub checked: usize,
    /// Moves whose delta (or whether it is allowed) differs.
    pub mismatches: usize,
    /// The first few differences, in words.
    pub first: Vec<String>,
}

/// Compares `got` (every move's delta in [`Layout::index`] order, as the kernel's
/// `all_deltas` writes them) with the CPU's exact delta on `tt`: `can_move` for what is
/// allowed, `move_delta` for a placed lecture, `peek_move` for an unscheduled one.
pub fn check_deltas(inst: &Instance, tt: &Timetable, got: &[(i32, i32)]) -> DeltaCheck {
    let layout = Layout::of(inst);
    let mut state = IncrementalState::new(inst, tt.clone());
    let mut out = DeltaCheck::default();
    for l in 0..layout.nl {
        let lid = LectureId(l as u32);
        for p in 0..layout.np {
            for r in 0..layout.nr {
                let to = Slot::at(PeriodId(p as u16), RoomId(r as u16));
                let want = if !state.can_move(lid, to) {
                    (FORBIDDEN as i64, 0)
                } else {
                    match state.move_delta(lid, to) {
                        Some(d) => d,
                        None => state.peek_move(lid, to),
                    }
                };
                let g = got
                    .get(layout.index(l, p, r))
                    .map_or((i64::MIN, 0), |&(h, s)| (h as i64, s as i64));
                out.checked += 1;
                if g != want {
                    out.mismatches += 1;
                    if out.first.len() < 5 {
                        out.first.push(format!(
                            "lecture {l} at {:?} to period {p} room {r}: gpu {g:?}, cpu {want:?}",
                            tt.slot(lid).get().map(|(p, r)| (p.0, r.0))
                        ));
                    }
                }
            }
        }
    }
    out
}

/// One workgroup's best move: its (hard, soft) delta, tie-break hash and move index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub hard: i32,
    pub soft: i32,
    pub tie: u32,
    pub index: u32,
}

/// What the tabu loop asks of the device (the GPU, or a test's double).
#[allow(async_fn_in_trait)]
pub trait MoveSource {
    /// Uploads the counters' changed words.
    async fn sync(&mut self, counters: &mut Counters) -> Result<(), GpuError>;
    /// The best admissible move of each workgroup (see the shader's `best`).
    async fn best(&mut self, step: &StepParams) -> Result<Vec<Candidate>, GpuError>;
}

/// The uniform parameters of one search step.
#[derive(Clone, Copy, Debug)]
pub struct StepParams {
    pub iter: u32,
    pub current: Cost,
    pub best: Cost,
    pub seed: u32,
}

impl StepParams {
    /// The uniform buffer's eight words (`gx` is the dispatch's width).
    pub fn words(&self, gx: u32) -> [u32; 8] {
        [
            self.iter,
            self.current.hard,
            self.current.soft,
            self.best.hard,
            self.best.soft,
            self.seed,
            gx,
            0,
        ]
    }
}

/// How long a tabu phase runs and on which random stream.
#[derive(Clone, Copy, Debug)]
pub struct TabuParams {
    /// Steps at most.
    pub iterations: u32,
    /// Seeds the tenures and the kernel's tie-breaking.
    pub seed: u64,
    /// Moves one step evaluates ([`Plan::moves`]), for the statistics.
    pub moves_per_step: u64,
}

/// What a tabu phase did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TabuStats {
    pub iterations: u64,
    /// Moves evaluated on the GPU (neighbourhood size × iterations).
    pub moves_evaluated: u64,
    pub improvements: u64,
}

/// Tabu search from `tt` for at most `params.iterations` steps (stopping early when `stop` says
/// so): each step takes the best admissible move of the whole neighbourhood, applies it
/// (the CPU's [`IncrementalState`] checks the GPU's delta: a disagreement is an error), and
/// forbids the lecture's old period for a tenure drawn from the seed's stream. Returns the
/// best timetable seen with its cost. Deterministic for a given seed.
pub async fn tabu_search<S: MoveSource>(
    src: &mut S,
    inst: &Instance,
    tt: &Timetable,
    params: TabuParams,
    stop: &dyn Fn() -> bool,
    stats: &mut TabuStats,
) -> Result<(Timetable, Cost), GpuError> {
    let TabuParams {
        iterations,
        seed,
        moves_per_step,
    } = params;
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut state = IncrementalState::new(inst, tt.clone());
    let mut counters = Counters::new(inst, state.timetable());
    counters.touch_all();
    let mut best = (state.timetable().clone(), state.cost());
    let layout = counters.layout.clone();
    let tenure_base = 10 + (layout.nl as u32 / 40).min(20);
    for iter in 0..iterations {
        if stop() {
            break;
        }
        src.sync(&mut counters).await?;
        let step = StepParams {
            iter,
            current: state.cost(),
            best: best.1,
            seed: rng.random(),
        };
        let cands = src.best(&step).await?;
        stats.iterations += 1;
        stats.moves_evaluated += moves_per_step;
        let Some(c) = cands.into_iter().filter(|c| c.hard != FORBIDDEN).min() else {
            break;
        };
        let (l, p, r) = layout.decode(c.index);
        let from = state.timetable().slot(l);
        let to = Slot::at(p, r);
        if !state.can_move(l, to) {
            return Err(GpuError::Device(format!(
                "the GPU proposed a forbidden move: lecture {} to period {} room {}",
                l.0, p.0, r.0
            )));
        }
        let d = match state.move_delta(l, to) {
            Some(d) => {
                state.move_lecture(l, to);
                d
            }
            None => state.move_lecture(l, to),
        };
        if d != (c.hard as i64, c.soft as i64) {
            return Err(GpuError::Device(format!(
                "the GPU's delta {:?} for lecture {} to ({}, {}) differs from the CPU's {:?}",
                (c.hard, c.soft),
                l.0,
                p.0,
                r.0,
                d
            )));
        }
        counters.apply(l, from, to);
        if let Some((p0, _)) = from.get() {
            counters.set_tabu(l, p0, iter + tenure_base + rng.random_range(0..tenure_base));
        }
        if state.cost() < best.1 {
            best = (state.timetable().clone(), state.cost());
            stats.improvements += 1;
        }
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Instance {
        let text = "Name: tiny\nCourses: 2\nRooms: 2\nDays: 2\nPeriods_per_day: 2\nCurricula: 1\nConstraints: 0\n\nCOURSES:\nc1 t1 2 2 10\nc2 t2 1 1 20\n\nROOMS:\nr1 10\nr2 30\n\nCURRICULA:\nq1 2 c1 c2\n\nUNAVAILABILITY_CONSTRAINTS:\n\nEND.\n";
        crate::parse_instance(text.as_bytes(), "tiny.ctt").unwrap()
    }

    #[test]
    fn small_adapters_are_refused_with_the_limit_named() {
        let inst = tiny();
        let ok = plan(&inst, AdapterLimits::WEBGPU_DEFAULT, 1 << 30).unwrap();
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
        assert_eq!(plan(&inst, narrow, 1 << 30).unwrap().workgroup, 32);
        let no_shared = AdapterLimits {
            max_compute_workgroup_storage_size: 8,
            ..AdapterLimits::WEBGPU_DEFAULT
        };
        let e = plan(&inst, no_shared, 1 << 30).unwrap_err();
        assert!(e.to_string().contains("workgroup memory"), "{e}");
        let small = AdapterLimits {
            max_storage_buffer_binding_size: 64,
            ..AdapterLimits::WEBGPU_DEFAULT
        };
        let e = plan(&inst, small, 1 << 30).unwrap_err();
        assert!(e.to_string().contains("buffer (bytes)"), "{e}");
        let e = plan(&inst, AdapterLimits::WEBGPU_DEFAULT, 1000).unwrap_err();
        assert!(e.to_string().contains("memory budget"), "{e}");
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
        c.apply(LectureId(0), from, to);
        tt.set(LectureId(0), to);
        let dirty: usize = c.take_dirty().iter().map(|(_, w)| w.len()).sum();
        assert!(dirty > 0 && dirty < c.words.len());
        assert_eq!(c.words, Counters::new(&inst, &tt).words);
    }
}

#[cfg(feature = "gpu")]
pub use device::Neighbourhood;

#[cfg(feature = "gpu")]
mod device {
    use wgpu::util::DeviceExt;

    use super::super::device::{MapFuture, default_adapter, describe, to_bytes};
    use super::*;

    /// The neighbourhood kernel on one device, for one instance: the instance buffer, the
    /// counter buffer (one timetable at a time), the two pipelines.
    pub struct Neighbourhood {
        device: wgpu::Device,
        queue: wgpu::Queue,
        best_pipe: wgpu::ComputePipeline,
        best_bind: wgpu::BindGroup,
        all_pipe: Option<(wgpu::ComputePipeline, wgpu::BindGroup, wgpu::Buffer)>,
        state_buf: wgpu::Buffer,
        cand_buf: wgpu::Buffer,
        params: wgpu::Buffer,
        readback: wgpu::Buffer,
        plan: Plan,
        layout: Layout,
        adapter: String,
    }

    /// The limits the sizing reads, from wgpu's.
    pub fn limits_of(l: &wgpu::Limits) -> AdapterLimits {
        AdapterLimits {
            max_storage_buffer_binding_size: l.max_storage_buffer_binding_size,
            max_compute_workgroup_storage_size: l.max_compute_workgroup_storage_size,
            max_compute_invocations_per_workgroup: l.max_compute_invocations_per_workgroup,
            max_compute_workgroup_size_x: l.max_compute_workgroup_size_x,
        }
    }

    impl Neighbourhood {
        /// Opens wgpu's default adapter and builds the kernel for `inst` within
        /// `memory_bytes` of budget. `perturb` builds a deliberately wrong kernel (room
        /// stability left out): only the tests that prove the exactness check can fail
        /// ask for it.
        pub async fn new(
            inst: &Instance,
            memory_bytes: u64,
            perturb: bool,
        ) -> Result<Neighbourhood, GpuError> {
            if let Some(why) = unsupported(inst) {
                return Err(GpuError::Unsupported(why));
            }
            #[cfg(target_arch = "wasm32")]
            if !wgpu::util::is_browser_webgpu_supported().await {
                return Err(GpuError::NoAdapter("this browser offers no WebGPU".into()));
            }
            let adapter = default_adapter()
                .await
                .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
            let al = adapter.limits();
            let limits = wgpu::Limits {
                max_storage_buffer_binding_size: al.max_storage_buffer_binding_size,
                max_buffer_size: al.max_buffer_size,
                ..wgpu::Limits::downlevel_defaults()
            };
            let (device, queue) = adapter
                .request_device(&wgpu::DeviceDescriptor {
                    label: Some("atoll neighbourhood"),
                    required_limits: limits,
                    ..Default::default()
                })
                .await
                .map_err(|e| GpuError::Device(e.to_string()))?;
            Self::with_device(
                device,
                queue,
                describe(&adapter.get_info()),
                inst,
                memory_bytes,
                perturb,
            )
            .await
        }

        /// Builds the kernel for `inst` on an existing device (the batch evaluator's).
        pub async fn with_device(
            device: wgpu::Device,
            queue: wgpu::Queue,
            adapter: String,
            inst: &Instance,
            memory_bytes: u64,
            perturb: bool,
        ) -> Result<Neighbourhood, GpuError> {
            let plan = plan(inst, limits_of(&device.limits()), memory_bytes)?;
            let layout = Layout::of(inst);
            let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
            let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some("neighbourhood.wgsl"),
                source: wgpu::ShaderSource::Wgsl(layout.shader(plan.workgroup).into()),
            });
            let constants = [("PERTURB", if perturb { 1.0 } else { 0.0 })];
            let pipe = |entry: &str| {
                device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some(entry),
                    layout: None,
                    module: &module,
                    entry_point: Some(entry),
                    compilation_options: wgpu::PipelineCompilationOptions {
                        constants: &constants,
                        ..Default::default()
                    },
                    cache: None,
                })
            };
            let storage = |label: &str, size: u64, usage: wgpu::BufferUsages| {
                device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some(label),
                    size: size.max(16),
                    usage,
                    mapped_at_creation: false,
                })
            };
            use wgpu::BufferUsages as U;
            let inst_buf = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("neighbourhood instance"),
                contents: &to_bytes(&layout.instance_words(inst)),
                usage: U::STORAGE,
            });
            let state_buf = storage("counters", plan.state_bytes, U::STORAGE | U::COPY_DST);
            let cand_buf = storage("candidates", plan.candidate_bytes, U::STORAGE | U::COPY_SRC);
            let params = storage("step", 32, U::UNIFORM | U::COPY_DST);
            let read_size = plan.all_deltas_bytes.unwrap_or(0).max(plan.candidate_bytes);
            let readback = storage(
                "neighbourhood readback",
                read_size,
                U::MAP_READ | U::COPY_DST,
            );
            let bind = |pipe: &wgpu::ComputePipeline, out: &wgpu::Buffer| {
                device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: None,
                    layout: &pipe.get_bind_group_layout(0),
                    entries: &[
                        wgpu::BindGroupEntry {
                            binding: 0,
                            resource: inst_buf.as_entire_binding(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 1,
                            resource: state_buf.as_entire_binding(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 2,
                            resource: params.as_entire_binding(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 3,
                            resource: out.as_entire_binding(),
                        },
                    ],
                })
            };
            let best_pipe = pipe("best");
            let best_bind = bind(&best_pipe, &cand_buf);
            let all_pipe = plan.all_deltas_bytes.map(|bytes| {
                let p = pipe("all_deltas");
                let out = storage("all deltas", bytes, U::STORAGE | U::COPY_SRC);
                let b = bind(&p, &out);
                (p, b, out)
            });
            if let Some(e) = scope.pop().await {
                return Err(GpuError::Device(e.to_string()));
            }
            Ok(Neighbourhood {
                device,
                queue,
                best_pipe,
                best_bind,
                all_pipe,
                state_buf,
                cand_buf,
                params,
                readback,
                plan,
                layout,
                adapter,
            })
        }

        /// The sizing plan (for reports and the Environment panel).
        pub fn plan(&self) -> &Plan {
            &self.plan
        }

        /// The adapter: "name (backend, device type)".
        pub fn adapter(&self) -> &str {
            &self.adapter
        }

        /// Runs `pipe` over the neighbourhood and reads `bytes` of `out` back as words.
        async fn run(
            &self,
            pipe: &wgpu::ComputePipeline,
            bind: &wgpu::BindGroup,
            out: &wgpu::Buffer,
            bytes: u64,
            step: &StepParams,
        ) -> Result<Vec<u32>, GpuError> {
            let (gx, gy) = grid(self.plan.groups);
            let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
            self.queue
                .write_buffer(&self.params, 0, &to_bytes(&step.words(gx)));
            let mut enc = self
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
            {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("neighbourhood"),
                    timestamp_writes: None,
                });
                pass.set_pipeline(pipe);
                pass.set_bind_group(0, bind, &[]);
                pass.dispatch_workgroups(gx, gy, 1);
            }
            enc.copy_buffer_to_buffer(out, 0, &self.readback, 0, bytes);
            let submitted = self.queue.submit([enc.finish()]);
            let slice = self.readback.slice(..bytes);
            let mapped = MapFuture::default();
            let done = mapped.state.clone();
            slice.map_async(wgpu::MapMode::Read, move |r| MapFuture::complete(&done, r));
            #[cfg(not(target_arch = "wasm32"))]
            self.device
                .poll(wgpu::PollType::Wait {
                    submission_index: Some(submitted),
                    timeout: Some(std::time::Duration::from_secs(120)),
                })
                .map_err(|e| GpuError::Device(e.to_string()))?;
            #[cfg(target_arch = "wasm32")]
            let _ = submitted;
            mapped.await.map_err(|e| GpuError::Device(e.to_string()))?;
            let words = {
                let view = slice
                    .get_mapped_range()
                    .map_err(|e| GpuError::Device(e.to_string()))?;
                view.chunks_exact(4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect()
            };
            self.readback.unmap();
            if let Some(e) = scope.pop().await {
                return Err(GpuError::Device(e.to_string()));
            }
            Ok(words)
        }

        /// Uploads all of `counters` (a new timetable).
        pub fn load(&mut self, counters: &mut Counters) {
            counters.take_dirty();
            self.queue
                .write_buffer(&self.state_buf, 0, &to_bytes(&counters.words));
        }

        /// Every move's (hard, soft) delta for the loaded counters, in
        /// [`Layout::index`] order; `(FORBIDDEN, 0)` for a move the invariant forbids.
        pub async fn all_deltas(&mut self) -> Result<Vec<(i32, i32)>, GpuError> {
            let Some((pipe, bind, out)) = &self.all_pipe else {
                return Err(GpuError::TooLarge {
                    what: "all-deltas buffer (bytes)",
                    need: 8 * self.plan.moves,
                    limit: self.plan.limits.max_storage_buffer_binding_size,
                });
            };
            let step = StepParams {
                iter: 0,
                current: Cost::default(),
                best: Cost::default(),
                seed: 0,
            };
            let words = self
                .run(pipe, bind, out, 8 * self.plan.moves, &step)
                .await?;
            Ok(words
                .chunks_exact(2)
                .map(|w| (w[0] as i32, w[1] as i32))
                .collect())
        }

        /// The layout the kernel was built for.
        pub fn layout(&self) -> &Layout {
            &self.layout
        }
    }

    impl MoveSource for Neighbourhood {
        async fn sync(&mut self, counters: &mut Counters) -> Result<(), GpuError> {
            for (start, words) in counters.take_dirty() {
                self.queue
                    .write_buffer(&self.state_buf, 4 * start as u64, &to_bytes(&words));
            }
            Ok(())
        }

        async fn best(&mut self, step: &StepParams) -> Result<Vec<Candidate>, GpuError> {
            let words = self
                .run(
                    &self.best_pipe,
                    &self.best_bind,
                    &self.cand_buf,
                    self.plan.candidate_bytes,
                    step,
                )
                .await?;
            Ok(words
                .chunks_exact(4)
                .map(|w| Candidate {
                    hard: w[0] as i32,
                    soft: w[1] as i32,
                    tie: w[2],
                    index: w[3],
                })
                .collect())
        }
    }

    impl std::fmt::Debug for Neighbourhood {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Neighbourhood")
                .field("adapter", &self.adapter)
                .field("plan", &self.plan)
                .finish_non_exhaustive()
        }
    }
}
