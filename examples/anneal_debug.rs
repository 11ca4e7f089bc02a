use atoll::budget::{CancelToken, Stop};
use atoll::evolve::{AnnealParams, anneal};
use rand::SeedableRng;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let inst = atoll::parse_instance(&std::fs::read(&path).unwrap(), &path).unwrap();
    let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
    let c = atoll::construct::construct(&inst, &mut rng);
    println!(
        "constructed {:?} unplaced {}",
        atoll::score(&inst, &c.timetable).cost(),
        c.unplaced.len()
    );
    let mut st = atoll::IncrementalState::new(&inst, c.timetable);
    let stop = Stop::new(CancelToken::new(), None);
    for t in [4.0, 2.0, 1.0, 0.5, 0.2, 0.1] {
        let p = AnnealParams {
            iterations: 1_000_000,
            temperature_start: t,
            temperature_end: t / 2.0,
            hard_weight: std::env::var("W")
                .map(|w| w.parse().unwrap())
                .unwrap_or(100),
            feasibility_temperature: std::env::var("FT")
                .map(|w| w.parse().unwrap())
                .unwrap_or(0.3),
            kempe_rate: 0.05,
            keep_room_rate: 0.5,
        };
        let t0 = std::time::Instant::now();
        let (_, best, stats) = anneal(&mut st, &p, &mut rng, &stop);
        println!("{:?}", st.breakdown());
        println!(
            "T {t}: best {best:?} current {:?} acc {} it {} {:?}",
            st.cost(),
            stats.accepted,
            stats.iterations,
            t0.elapsed()
        );
    }
}
#[allow(dead_code)]
fn unused() {}
