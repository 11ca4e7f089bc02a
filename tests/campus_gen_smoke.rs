mod common;
#[test]
fn random_campus_builds() {
    for seed in 0..50 {
        let inst = common::campus::random_campus(seed, Default::default());
        assert!(inst.uses_campus_features());
    }
}
