use atoll::model::{LectureId, PeriodId, RoomId, Slot};
use rand::{Rng, SeedableRng};
fn main() {
    for path in std::env::args().skip(1) {
        let inst = atoll::parse_instance(&std::fs::read(&path).unwrap(), &path).unwrap();
        let mut rng = rand::rngs::SmallRng::seed_from_u64(3);
        let tt = atoll::parallel::random_timetable(&inst, 5);
        let mut st = atoll::IncrementalState::new(&inst, tt);
        let n = st.timetable().len();
        for i in 0..20000 {
            let l = LectureId(rng.random_range(0..n) as u32);
            if rng.random_bool(0.5) {
                let to = if rng.random_bool(0.1) {
                    Slot::UNSCHEDULED
                } else {
                    Slot::at(
                        PeriodId(rng.random_range(0..inst.n_periods()) as u16),
                        RoomId(rng.random_range(0..inst.rooms.len()) as u16),
                    )
                };
                if st.can_move(l, to) {
                    let predicted = st.move_delta(l, to);
                    let d = st.move_lecture(l, to);
                    if let Some(p) = predicted {
                        assert_eq!(p, d, "{path} move_delta at {i}");
                    }
                }
            } else {
                let m = LectureId(rng.random_range(0..n) as u32);
                if st.can_swap(l, m) {
                    st.swap(l, m);
                }
            }
            if i % 7 == 0 {
                assert_eq!(
                    st.breakdown(),
                    atoll::score(&inst, st.timetable()),
                    "{path} move {i}"
                );
            }
        }
        println!("{path} ok");
    }
}
