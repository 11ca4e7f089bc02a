//! `IncrementalState::move_delta` (the search's score-without-applying path) must predict
//! exactly the change that applying the move makes, on every shared instance, from dense
//! random (very infeasible) timetables where every counter is exercised.

mod common;

use atoll::IncrementalState;
use atoll::model::{LectureId, PeriodId, RoomId, Slot};
use atoll::parallel::random_timetable;
use proptest::prelude::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn check(seed: u64, moves: usize) {
    for path in common::all_instances() {
        let inst = common::load(&path);
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut st = IncrementalState::new(&inst, random_timetable(&inst, seed));
        let n = st.timetable().len();
        for i in 0..moves {
            let l = LectureId(rng.random_range(0..n) as u32);
            let to = Slot::at(
                PeriodId(rng.random_range(0..inst.n_periods()) as u16),
                RoomId(rng.random_range(0..inst.rooms.len()) as u16),
            );
            if !st.can_move(l, to) {
                continue;
            }
            let before = st.breakdown();
            let predicted = st.move_delta(l, to);
            assert_eq!(
                st.breakdown(),
                before,
                "move_delta must not change the state"
            );
            let applied = st.move_lecture(l, to);
            if let Some(p) = predicted {
                assert_eq!(p, applied, "{} move {i}: {l:?} -> {to:?}", path.display());
            }
            if i % 50 == 0 {
                assert_eq!(st.breakdown(), atoll::score(&inst, st.timetable()));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn move_delta_predicts_applied_change(seed in any::<u64>()) {
        check(seed, 1500);
    }
}

#[test]
fn move_delta_is_none_for_unscheduled_ends() {
    let inst = common::load(&common::shared_dir().join("instances/extra/toy.ctt"));
    let mut tt = atoll::Timetable::empty(&inst);
    tt.set(LectureId(0), Slot::at(PeriodId(0), RoomId(0)));
    let st = IncrementalState::new(&inst, tt);
    assert_eq!(st.move_delta(LectureId(0), Slot::UNSCHEDULED), None);
    assert_eq!(
        st.move_delta(LectureId(1), Slot::at(PeriodId(1), RoomId(0))),
        None
    );
    assert_eq!(
        st.move_delta(LectureId(0), Slot::at(PeriodId(0), RoomId(0))),
        Some((0, 0))
    );
}
