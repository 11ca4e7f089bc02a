//! One island: a small population evolving on its own random stream. Islands share the
//! read-only instance and nothing else; the coordinator moves migrants between them.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::local_search::{AnnealParams, AnnealStats, anneal};
use super::operators::{crossover, mutate};
use crate::budget::Stop;
use crate::eval::{Breakdown, Cost, IncrementalState};
use crate::model::{Instance, Timetable};
use crate::options::SolverOptions;

/// A timetable with its cost.
#[derive(Clone, Debug)]
pub struct Individual {
    pub timetable: Timetable,
    pub cost: Cost,
}

/// An island: a few annealing chains (the population), the best timetable it has seen
/// (its elite) and its own random stream. Each generation one bred candidate continues
/// the chain it was bred from, so a chain's temperature schedule runs on unbroken.
#[derive(Clone, Debug)]
pub struct Island {
    pub id: usize,
    pub rng: SmallRng,
    pub population: Vec<Individual>,
    pub best: Individual,
    pub stats: AnnealStats,
    /// The chain each candidate of the current generation was bred from.
    parents: Vec<usize>,
    /// Generations since the elite last improved (option `restart_stall`).
    stalled: u64,
}

impl Island {
    /// An island seeded from the run's seed and its index.
    pub fn new(id: usize, seed: u64, population: Vec<Individual>) -> Island {
        let best = population
            .iter()
            .min_by_key(|i| i.cost)
            .cloned()
            .expect("an island has at least one individual");
        Island {
            id,
            rng: SmallRng::seed_from_u64(island_seed(seed, id)),
            population,
            best,
            stats: AnnealStats::default(),
            parents: Vec::new(),
            stalled: 0,
        }
    }

    fn tournament(&mut self) -> usize {
        let n = self.population.len();
        let a = self.rng.random_range(0..n);
        let b = self.rng.random_range(0..n);
        if self.population[a].cost <= self.population[b].cost {
            a
        } else {
            b
        }
    }

    /// Breeds `opts.offspring` candidates by crossover and mutation.
    pub fn breed(&mut self, inst: &Instance, opts: &SolverOptions) -> Vec<Timetable> {
        self.parents.clear();
        (0..opts.offspring)
            .map(|_| {
                let a = self.tournament();
                self.parents.push(a);
                let mut child =
                    if self.population.len() > 1 && self.rng.random_bool(opts.crossover_rate) {
                        let b = self.tournament();
                        crossover(
                            inst,
                            &self.population[a].timetable,
                            &self.population[b].timetable,
                            &mut self.rng,
                        )
                    } else {
                        self.population[a].timetable.clone()
                    };
                mutate(inst, &mut child, opts.mutation_moves, &mut self.rng);
                child
            })
            .collect()
    }

    /// Refines the most promising candidates by annealing. Each refined candidate's final
    /// state replaces the chain it was bred from; the best state seen updates the elite.
    pub fn refine(
        &mut self,
        inst: &Instance,
        candidates: Vec<(Timetable, Breakdown)>,
        params: &AnnealParams,
        refine: usize,
        stop: &Stop,
    ) {
        let mut ranked: Vec<(usize, Timetable, Breakdown)> = candidates
            .into_iter()
            .enumerate()
            .map(|(i, (t, b))| (self.parents.get(i).copied().unwrap_or(0), t, b))
            .collect();
        ranked.sort_by_key(|(_, _, b)| b.cost());
        let mut continued = vec![false; self.population.len()];
        for (parent, tt, _) in ranked.into_iter() {
            if continued.iter().filter(|c| **c).count() >= refine {
                break;
            }
            if continued[parent] {
                continue;
            }
            continued[parent] = true;
            let mut state = IncrementalState::new(inst, tt);
            let (timetable, cost, stats) = anneal(&mut state, params, &mut self.rng, stop);
            self.stats += stats;
            if cost < self.best.cost {
                self.best = Individual { timetable, cost };
            }
            let cost = state.cost();
            self.population[parent] = Individual {
                timetable: state.into_timetable(),
                cost,
            };
        }
    }

    /// Counts a generation without improvement of the elite and, once there have been
    /// `opts.restart_stall` in a row (0: never), restarts every chain from the elite
    /// perturbed by `opts.restart_moves` random legal moves ([`mutate`]), scored by the
    /// full evaluator. `improved`: whether the elite got better this generation.
    pub fn restart_if_stalled(&mut self, inst: &Instance, opts: &SolverOptions, improved: bool) {
        self.stalled = if improved { 0 } else { self.stalled + 1 };
        if opts.restart_stall == 0 || self.stalled < opts.restart_stall {
            return;
        }
        self.stalled = 0;
        for k in 0..self.population.len() {
            let mut timetable = self.best.timetable.clone();
            mutate(inst, &mut timetable, opts.restart_moves, &mut self.rng);
            let cost = crate::eval::score(inst, &timetable).cost();
            self.population[k] = Individual { timetable, cost };
        }
    }

    /// Takes in a migrant in place of the worst individual, if it is better.
    pub fn receive(&mut self, migrant: Individual) {
        let worst = (0..self.population.len())
            .max_by_key(|&i| self.population[i].cost)
            .expect("non-empty population");
        if migrant.cost < self.population[worst].cost {
            if migrant.cost < self.best.cost {
                self.best = migrant.clone();
            }
            self.population[worst] = migrant;
        }
    }
}

/// A well-mixed seed per island (SplitMix64 of seed and index).
pub fn island_seed(seed: u64, id: usize) -> u64 {
    let mut z = seed ^ (id as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
