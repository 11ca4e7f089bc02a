//! The instance packed for the fitness shader: one flat `u32` buffer and the WGSL
//! constants that describe it. Pure data, no wgpu: what the shader reads is decided (and
//! tested) here, and the bounds that keep the shader exact are checked before any device
//! is touched.

use crate::eval::Breakdown;
use crate::model::{CourseId, CurriculumId, Instance, PeriodId, RoomId, TeacherId};

use super::GpuError;

/// Lanes per workgroup (one workgroup scores one timetable).
pub const WORKGROUP_SIZE: u32 = 64;
/// Output words per timetable: the 12 components in `Breakdown` order, then a flag.
pub const OUT_STRIDE: usize = Breakdown::COMPONENTS + 1;
/// The workgroup memory every WebGPU adapter offers (`maxComputeWorkgroupStorageSize`).
pub const WORKGROUP_BYTES: usize = 16_384;
/// The most loop iterations one invocation may run in total. Mesa's llvmpipe/lavapipe
/// silently truncates past 65,535 (LP_MAX_TGSI_LOOP_ITERATIONS); this leaves a margin.
pub const LOOP_LIMIT: u64 = 50_000;

/// The packed instance: the buffer, its layout and the shader source made for it.
#[derive(Clone, Debug)]
pub struct Packed {
    /// The instance buffer the shader reads (`inst`).
    pub words: Vec<u32>,
    /// The complete WGSL module: the constants, then `shaders/fitness.wgsl`.
    pub shader: String,
    /// Lectures per timetable (words per timetable in the batch buffer).
    pub n_lectures: usize,
    /// The worst-case loop iterations of one invocation (must stay below [`LOOP_LIMIT`]).
    pub loop_bound: u64,
    /// Workgroup memory the shader declares, bytes.
    pub workgroup_bytes: usize,
}

fn words_for_bits(bits: usize) -> usize {
    bits.div_ceil(32).max(1)
}

fn set_bit(words: &mut [u32], base: usize, bit: usize) {
    words[base + bit / 32] |= 1 << (bit % 32);
}

/// Packs `inst` for the shader, or says why the shader cannot score it exactly.
pub fn pack(inst: &Instance) -> Result<Packed, GpuError> {
    let nc = inst.courses.len();
    let np = inst.n_periods();
    let nr = inst.rooms.len();
    let ng = inst.curricula.len();
    let nl = inst.n_lectures();
    let days = inst.days as usize;
    let ppd = inst.periods_per_day as usize;
    if nc == 0 || nr == 0 || nl == 0 {
        return Err(GpuError::Unsupported(
            "the instance has no courses, rooms or lectures".into(),
        ));
    }
    let cw = words_for_bits(nc);
    let rw = words_for_bits(nr);
    let campus = inst.uses_campus_features();
    let has_ref = inst.has_reference();

    // The daily maxima (curricula, then teachers), and per course the ones it counts for.
    let mut limits: Vec<u32> = Vec::new();
    let mut course_limits: Vec<Vec<u32>> = vec![Vec::new(); nc];
    if campus {
        for g in 0..ng {
            if let Some(m) = inst.curriculum_max_daily(CurriculumId(g as u16)) {
                for &c in &inst.curricula[g].courses {
                    course_limits[c.idx()].push(limits.len() as u32);
                }
                limits.push(m as u32);
            }
        }
        for t in 0..inst.teachers.len() {
            if let Some(m) = inst.teacher_max_daily(TeacherId(t as u16)) {
                for &c in inst.courses_of_teacher(TeacherId(t as u16)) {
                    course_limits[c.idx()].push(limits.len() as u32);
                }
                limits.push(m as u32);
            }
        }
    }
    let n_lim = limits.len();

    // Scratch (workgroup memory) layout, in words.
    let s_pc = 0;
    let s_rp = s_pc + np * cw;
    let s_gp = s_rp + words_for_bits(np * nr);
    let s_cr = s_gp + words_for_bits(ng * np);
    let s_dl = s_cr + nc * rw;
    let scratch = s_dl + (n_lim * days).max(1);
    let workgroup_bytes = (scratch + OUT_STRIDE) * 4;
    if workgroup_bytes > WORKGROUP_BYTES {
        return Err(GpuError::TooLarge {
            what: "workgroup memory (bytes)",
            need: workgroup_bytes as u64,
            limit: WORKGROUP_BYTES as u64,
        });
    }

    // Instance buffer layout.
    let mut words: Vec<u32> = Vec::new();
    let off_lc = words.len();
    words.extend(inst.lecture_courses().iter().map(|c| c.0 as u32));
    let off_unav = words.len();
    words.resize(off_unav + words_for_bits(nc * np), 0);
    // `is_unavailable`, not the course list: a campus folds its teachers' unavailability in.
    for c in 0..nc {
        for p in 0..np {
            if inst.is_unavailable(CourseId(c as u16), PeriodId(p as u16)) {
                set_bit(&mut words, off_unav, c * np + p);
            }
        }
    }
    let off_excess = words.len();
    for c in 0..nc {
        for r in 0..nr {
            words.push(inst.excess(CourseId(c as u16), crate::model::RoomId(r as u16)));
        }
    }
    let off_conf = words.len();
    words.resize(off_conf + nc * cw, 0);
    for c in 0..nc {
        for &o in inst.conflicting(CourseId(c as u16)) {
            set_bit(&mut words, off_conf + c * cw, o.idx());
        }
    }
    let off_curs = words.len();
    let mut list = Vec::new();
    let mut max_cur = 0;
    for c in 0..nc {
        words.push(list.len() as u32);
        let gs = inst.curricula_of(CourseId(c as u16));
        max_cur = max_cur.max(gs.len());
        list.extend(gs.iter().map(|g| g.0 as u32));
    }
    words.push(list.len() as u32);
    let off_curl = words.len();
    words.extend(list);
    let off_first = words.len();
    let mut max_lectures = 0;
    for c in 0..nc {
        let r = inst.lectures_of(CourseId(c as u16));
        max_lectures = max_lectures.max(r.len());
        words.push(r.start as u32);
    }
    words.push(nl as u32);
    let off_mwd = words.len();
    words.extend(inst.courses.iter().map(|c| c.min_working_days as u32));
    let off_dur = words.len();
    words.extend(inst.courses.iter().map(|c| c.duration as u32));
    let max_dur = inst
        .courses
        .iter()
        .map(|c| c.duration as u64)
        .max()
        .unwrap_or(1);

    // Campus parts, packed only for a campus (offsets stay 0 and unread otherwise).
    let (mut off_suit, mut off_closed, mut off_pin, mut off_disp) = (0, 0, 0, 0);
    let (mut off_lims, mut off_liml, mut off_limmax) = (0, 0, 0);
    let mut max_lim = 0;
    if campus {
        off_suit = words.len();
        words.resize(off_suit + words_for_bits(nc * nr), 0);
        for c in 0..nc {
            for r in 0..nr {
                if inst.room_suits(CourseId(c as u16), RoomId(r as u16)) {
                    set_bit(&mut words, off_suit, c * nr + r);
                }
            }
        }
        off_closed = words.len();
        words.resize(off_closed + words_for_bits(nr * np), 0);
        for r in 0..nr {
            for p in 0..np {
                if inst.room_closed(RoomId(r as u16), PeriodId(p as u16)) {
                    set_bit(&mut words, off_closed, r * np + p);
                }
            }
        }
        off_pin = words.len();
        words.extend((0..nl).map(|l| match inst.pin_of(l) {
            None => u32::MAX,
            Some(pin) => {
                (pin.period.map_or(0xffff, |p| p.0 as u32) << 16)
                    | pin.room.map_or(0xffff, |r| r.0 as u32)
            }
        }));
        off_disp = words.len();
        for c in 0..nc {
            for p in 0..np {
                words.push(inst.dispreferred(CourseId(c as u16), PeriodId(p as u16)));
            }
        }
        off_lims = words.len();
        let mut n = 0;
        for list in &course_limits {
            words.push(n);
            n += list.len() as u32;
            max_lim = max_lim.max(list.len());
        }
        words.push(n);
        off_liml = words.len();
        words.extend(course_limits.iter().flatten());
        off_limmax = words.len();
        words.extend(&limits);
    }
    let (mut off_refs, mut off_refl, mut max_ref) = (0, 0, 0);
    if has_ref {
        off_refs = words.len();
        let mut n = 0;
        for c in 0..nc {
            words.push(n);
            let refs = inst.reference_of(CourseId(c as u16)).unwrap_or(&[]);
            n += refs.len() as u32;
            max_ref = max_ref.max(refs.len());
        }
        words.push(n);
        off_refl = words.len();
        for c in 0..nc {
            words.extend(
                inst.reference_of(CourseId(c as u16))
                    .unwrap_or(&[])
                    .iter()
                    .map(|s| s.0),
            );
        }
    }
    // WGSL has no zero-length arrays to index; keep the buffer non-empty past every offset.
    words.push(0);

    // Loop iterations of one invocation, at worst (see the passes of the shader).
    let wg = WORKGROUP_SIZE as u64;
    let per = |n: usize| (n as u64).div_ceil(wg);
    let ml = max_lectures as u64;
    let loop_bound = per(scratch)
        + per(nl) * (1 + max_dur * (1 + max_cur as u64) + max_lim as u64)
        + per(nl) * (1 + max_dur * (1 + cw as u64 + max_cur as u64))
        + per(nc) * (1 + ml + np as u64 + rw as u64 + ml * (1 + ml + max_ref as u64))
        + per(n_lim * days);
    if loop_bound > LOOP_LIMIT {
        return Err(GpuError::TooLarge {
            what: "loop iterations per shader invocation",
            need: loop_bound,
            limit: LOOP_LIMIT,
        });
    }
    // A period and a room must fit the 16-bit halves of a slot (`Slot::at`); the
    // model guarantees it (`PeriodId(u16)`, `RoomId(u16)`).
    debug_assert!(np <= u16::MAX as usize + 1 && PeriodId(0).idx() == 0);

    let w = inst.weights();
    let consts = [
        ("NC", nc),
        ("NP", np),
        ("PPD", ppd),
        ("DAYS", days),
        ("NR", nr),
        ("NL", nl),
        ("CW", cw),
        ("RW", rw),
        ("WG", WORKGROUP_SIZE as usize),
        ("OFF_LC", off_lc),
        ("OFF_UNAV", off_unav),
        ("OFF_EXCESS", off_excess),
        ("OFF_CONF", off_conf),
        ("OFF_CURS", off_curs),
        ("OFF_CURL", off_curl),
        ("OFF_FIRST", off_first),
        ("OFF_MWD", off_mwd),
        ("OFF_DUR", off_dur),
        ("OFF_SUIT", off_suit),
        ("OFF_CLOSED", off_closed),
        ("OFF_PIN", off_pin),
        ("OFF_DISP", off_disp),
        ("OFF_LIMS", off_lims),
        ("OFF_LIML", off_liml),
        ("OFF_LIMMAX", off_limmax),
        ("OFF_REFS", off_refs),
        ("OFF_REFL", off_refl),
        ("CAMPUS", campus as usize),
        ("HAS_REF", has_ref as usize),
        ("NLIM", n_lim),
        ("S_PC", s_pc),
        ("S_RP", s_rp),
        ("S_GP", s_gp),
        ("S_CR", s_cr),
        ("S_DL", s_dl),
        ("SCRATCH", scratch),
        ("W_CAP", w.room_capacity as usize),
        ("W_MWD", w.min_working_days as usize),
        ("W_CC", w.curriculum_compactness as usize),
        ("W_RS", w.room_stability as usize),
        ("W_TP", w.teacher_preference as usize),
        ("W_DL", w.daily_limit as usize),
        ("W_CH", w.changes as usize),
    ];
    let mut shader = String::from("// Generated for one instance by src/gpu/pack.rs.\n");
    for (name, v) in consts {
        shader += &format!("const {name}: u32 = {v}u;\n");
    }
    shader += SHADER;
    Ok(Packed {
        words,
        shader,
        n_lectures: nl,
        loop_bound,
        workgroup_bytes,
    })
}

/// `shaders/fitness.wgsl`, compiled into the crate.
pub const SHADER: &str = include_str!("../../shaders/fitness.wgsl");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::instance::{Course, Curriculum, InstanceParts, Room};
    use crate::model::{CourseId, TeacherId};

    fn instance(courses: usize, days: u16, ppd: u16) -> Instance {
        instance_with(courses, days, ppd, 2)
    }

    fn instance_with(courses: usize, days: u16, ppd: u16, lectures: u16) -> Instance {
        Instance::new(InstanceParts {
            name: "synthetic".into(),
            days,
            periods_per_day: ppd,
            teachers: vec!["t".into()],
            courses: (0..courses)
                .map(|i| Course {
                    name: format!("c{i}"),
                    teacher: TeacherId(0),
                    lectures,
                    min_working_days: 2,
                    students: 10,
                    double_lectures: false,
                    duration: 1,
                    co_teachers: Vec::new(),
                    rooms: None,
                })
                .collect(),
            rooms: vec![Room {
                name: "r".into(),
                capacity: 20,
                building: None,
            }],
            curricula: vec![Curriculum {
                name: "g".into(),
                courses: vec![CourseId(0)],
            }],
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn a_small_instance_packs_within_every_bound() {
        let p = pack(&instance(3, 5, 4)).unwrap();
        assert_eq!(p.n_lectures, 6);
        assert!(p.loop_bound <= LOOP_LIMIT && p.workgroup_bytes <= WORKGROUP_BYTES);
        assert!(p.shader.contains("const NC: u32 = 3u;") && p.shader.contains("fn main"));
    }

    #[test]
    fn an_instance_beyond_workgroup_memory_is_refused_not_miscounted() {
        // 2000 courses x 100 periods: the "course at period" bit set alone is 25 KB.
        match pack(&instance(2000, 10, 10)) {
            Err(GpuError::TooLarge { need, limit, .. }) => assert!(need > limit),
            other => panic!("expected TooLarge, got {other:?}"),
        }
    }

    #[test]
    fn an_instance_that_would_loop_past_mesas_limit_is_refused() {
        // One lane would count 60,000 lectures of one course: llvmpipe would truncate.
        match pack(&instance_with(1, 5, 4, 60_000)) {
            Err(GpuError::TooLarge { what, need, .. }) => {
                assert!(what.contains("loop") && need > LOOP_LIMIT)
            }
            other => panic!("expected TooLarge, got {other:?}"),
        }
    }
}
