//! The GPU path of a solve in the page (feature `gpu`): WebGPU through wgpu, owned by the
//! solver worker's own thread. Its readback is asynchronous, so the worker drives a
//! generation in three calls and awaits the middle one:
//!
//! 1. `session.solveBreed()` breeds on every island (rayon) and returns the batch as flat
//!    slots (`Uint32Array`, one `period << 16 | room` or `0xFFFFFFFF` per lecture), or
//!    `undefined` once the run is over;
//! 2. `await scorer.score(batch)` scores it on the GPU (12 components per timetable, `Breakdown::components` order);
//! 3. `session.solveSelect(scores)` refines and selects, and returns the progress event.
//!
//! `session.gpuInit(options)` makes the scorer (`auto`: only when a short calibration
//! finds it faster than the CPU here) and resolves to `{ info, scorer }`, where `info`
//! says which evaluator runs and why, and `scorer` is absent when the CPU runs. Rayon
//! workers only ever see plain data.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::{Session, parse_options, to_js};
use crate::eval::Breakdown;
use crate::evolve::{BatchEvaluator, CpuBatchEvaluator};
use crate::gpu::{EvaluatorInfo, GpuEvaluator, batch_size, calibrate};
use crate::model::{Instance, Slot, Timetable};
use crate::options::EvaluatorChoice;
use crate::report::ProgressReport;

/// Words per timetable in a `score` result: the twelve components in `Breakdown` order
/// (`Breakdown::components`: the five hard, then the seven soft of `docs/RULES.md`).
const COMPONENTS: usize = Breakdown::COMPONENTS;

fn error(text: &str) -> JsValue {
    JsError::new(text).into()
}

/// The GPU evaluator of one instance, for the worker's thread.
#[wasm_bindgen]
pub struct GpuScorer {
    inst: Arc<Instance>,
    /// Taken out while a batch is on the GPU, so overlapping calls are refused.
    gpu: Rc<RefCell<Option<GpuEvaluator>>>,
    name: String,
}

/// The timetables of a flat slot batch, or why it is not one of `inst`.
fn timetables(inst: &Instance, batch: &[u32]) -> Result<Vec<Timetable>, String> {
    let n = inst.n_lectures();
    if n == 0 || !batch.len().is_multiple_of(n) {
        return Err(format!(
            "a batch has {} slots, not a multiple of the {n} lectures",
            batch.len()
        ));
    }
    let (np, nr) = (inst.n_periods(), inst.rooms.len());
    let ok = |s: Slot| s.get().is_none_or(|(p, r)| p.idx() < np && r.idx() < nr);
    batch
        .chunks(n)
        .map(|c| {
            let slots: Vec<Slot> = c.iter().map(|&w| Slot(w)).collect();
            if slots.iter().all(|&s| ok(s)) {
                Ok(Timetable::from_parts(inst.lecture_courses().clone(), slots))
            } else {
                Err("a slot names a period or room outside the instance".to_string())
            }
        })
        .collect()
}

#[wasm_bindgen]
impl GpuScorer {
    /// `BatchEvaluator::name`: "gpu" and the adapter.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Scores a batch of flat slots (as `solveBreed` returns it). Resolves to a
    /// `Uint32Array` of 12 components per timetable, exactly as the CPU scores them.
    pub fn score(&self, batch: Vec<u32>) -> js_sys::Promise {
        let inst = self.inst.clone();
        let cell = self.gpu.clone();
        future_to_promise(async move {
            let tts = timetables(&inst, &batch).map_err(|e| error(&e))?;
            let mut gpu = cell
                .borrow_mut()
                .take()
                .ok_or_else(|| error("the GPU is still scoring another batch"))?;
            let scores = gpu.evaluate_async(&inst, &tts).await;
            *cell.borrow_mut() = Some(gpu);
            let flat: Vec<u32> = scores.iter().flat_map(|b| b.components()).collect();
            Ok(js_sys::Uint32Array::from(&flat[..]).into())
        })
    }

    /// True when the GPU search (tabu over whole neighbourhoods) runs beside the scoring.
    #[wasm_bindgen(getter)]
    pub fn searches(&self) -> bool {
        self.gpu
            .borrow()
            .as_ref()
            .is_some_and(|g| g.search_plan().is_some())
    }

    /// What the GPU search did in this solve: `{ note, iterations, moves_evaluated,
    /// improvements, submissions }` (`note`: its plan, or why it is off or stopped), or
    /// `undefined` while a phase holds the GPU.
    #[wasm_bindgen(getter, js_name = searchReport)]
    pub fn search_report(&self) -> Result<JsValue, JsError> {
        #[derive(serde::Serialize)]
        struct Report<'a> {
            note: &'a str,
            #[serde(flatten)]
            stats: &'a crate::gpu::neighbourhood::TabuStats,
        }
        match self.gpu.borrow().as_ref() {
            Some(g) => to_js(&Report {
                note: g.search_note(),
                stats: g.tabu_stats(),
            }),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// One GPU tabu phase of [`PAGE_TABU_STEPS`] steps, continuing the walk or starting
    /// one from `slots` (the run's best, as `Session.solveBest` gives it; see
    /// `GpuEvaluator::intensify_async`). Resolves to the walk's new best as flat slots
    /// when the phase improved it, or `undefined` (nothing better, the search off, or the
    /// GPU busy).
    pub fn intensify(&self, slots: Vec<u32>, seed: u32) -> js_sys::Promise {
        let inst = self.inst.clone();
        let cell = self.gpu.clone();
        future_to_promise(async move {
            let tt = timetables(&inst, &slots)
                .map_err(|e| error(&e))?
                .pop()
                .ok_or_else(|| error("no timetable"))?;
            let Some(mut gpu) = cell.borrow_mut().take() else {
                return Ok(JsValue::UNDEFINED);
            };
            let found = gpu
                .intensify_async(&inst, &tt, PAGE_TABU_STEPS, seed as u64, &|_| false)
                .await;
            *cell.borrow_mut() = Some(gpu);
            Ok(match found {
                Some((t, _)) => {
                    let flat: Vec<u32> = t.slots().iter().map(|s| s.0).collect();
                    js_sys::Uint32Array::from(&flat[..]).into()
                }
                None => JsValue::UNDEFINED,
            })
        })
    }
}

/// Steps of one tabu phase in the page: the worker runs it after each generation rather
/// than beside the islands' annealing (natively it overlaps them), so a phase is short:
/// a few submissions, each waiting for one readback through the browser's event loop.
const PAGE_TABU_STEPS: u32 = 100;

/// Walks the page's GPU search holds: one, from the run's best. The worker runs the phase
/// after each generation rather than beside it, and it only sees the run's best
/// (`Session.solveBest`), so there is one start to walk from.
const PAGE_TABU_WALKS: u32 = 1;

/// The adapter as the browser describes it (`GPUAdapterInfo` vendor, architecture,
/// description), for when wgpu's name is empty (browsers leave `description` empty, e.g.
/// SwiftShader: "google swiftshader"). `None` if the browser says nothing.
async fn browser_adapter_name() -> Option<String> {
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &k.into()).ok();
    let navigator = get(&js_sys::global(), "navigator")?;
    let gpu = get(&navigator, "gpu").filter(|g| g.is_object())?;
    let request: js_sys::Function = get(&gpu, "requestAdapter")?.dyn_into().ok()?;
    let promise: js_sys::Promise = request.call0(&gpu).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = get(&adapter, "info").filter(|i| i.is_object())?;
    let words: Vec<String> = ["vendor", "architecture", "description"]
        .iter()
        .filter_map(|k| get(&info, k).and_then(|v| v.as_string()))
        .filter(|w| !w.is_empty())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Words in an adapter's name or description that mark a software rasterizer: such
/// adapters score slower than the CPU evaluator, so `auto` never uses them (as natively,
/// `crate::gpu::choose_evaluator`).
const SOFTWARE_ADAPTERS: [&str; 5] = [
    "swiftshader",
    "llvmpipe",
    "lavapipe",
    "softpipe",
    "basic render",
];

/// True when `text` (an adapter description) names a software rasterizer.
fn names_software_adapter(text: &str) -> bool {
    let lower = text.to_lowercase();
    SOFTWARE_ADAPTERS.iter().any(|w| lower.contains(w))
}

/// The browser's high-performance adapter, described, when it is a software or fallback
/// one: `isFallbackAdapter` (on the adapter, or on `GPUAdapterInfo` in newer browsers), or
/// a vendor/architecture/description naming SwiftShader, llvmpipe and the like (Chromium
/// hands out SwiftShader without marking it as the fallback when it has nothing else).
/// `None` for a real GPU, no WebGPU or no adapter (`GpuEvaluator::new` then says why).
async fn browser_software_adapter() -> Option<String> {
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &k.into()).ok();
    let navigator = get(&js_sys::global(), "navigator")?;
    let gpu = get(&navigator, "gpu").filter(|g| g.is_object())?;
    let request: js_sys::Function = get(&gpu, "requestAdapter")?.dyn_into().ok()?;
    let wanted = js_sys::Object::new();
    js_sys::Reflect::set(
        &wanted,
        &"powerPreference".into(),
        &"high-performance".into(),
    )
    .ok()?;
    let promise: js_sys::Promise = request.call1(&gpu, &wanted).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    if !adapter.is_object() {
        return None;
    }
    let info = get(&adapter, "info").filter(|i| i.is_object());
    let flag = |v: &JsValue| get(v, "isFallbackAdapter").and_then(|f| f.as_bool()) == Some(true);
    let words: Vec<String> = info
        .iter()
        .flat_map(|i| {
            ["vendor", "architecture", "device", "description"]
                .iter()
                .filter_map(|k| get(i, k).and_then(|v| v.as_string()))
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let text = words.join(" ");
    let fallback = flag(&adapter) || info.as_ref().is_some_and(flag);
    (fallback || names_software_adapter(&text)).then(|| {
        let name = if text.is_empty() {
            "unnamed adapter".to_string()
        } else {
            text
        };
        if fallback {
            format!("{name} (fallback adapter)")
        } else {
            name
        }
    })
}

/// What `gpuInit` resolves to, less the scorer.
fn cpu_info(
    requested: EvaluatorChoice,
    reason: String,
    gpu: Option<(String, crate::gpu::Calibration)>,
) -> EvaluatorInfo {
    let (adapter, calibration) = match gpu {
        Some((a, c)) => (Some(a), Some(c)),
        None => (None, None),
    };
    EvaluatorInfo {
        requested,
        gpu: false,
        name: CpuBatchEvaluator.name(),
        adapter,
        reason,
        calibration,
        search: None,
    }
}

/// The CPU for `auto` because the only adapter is a software one.
fn software_info(requested: EvaluatorChoice, adapter: String) -> EvaluatorInfo {
    EvaluatorInfo {
        requested,
        gpu: false,
        name: CpuBatchEvaluator.name(),
        adapter: Some(adapter),
        reason: "auto: the only adapter is a software one (slower than the CPU evaluator); \
                 choose GPU to use it anyway"
            .into(),
        calibration: None,
        search: None,
    }
}

#[wasm_bindgen]
impl Session {
    /// Chooses the evaluator for a solve with these `options` (their `evaluator`:
    /// `"auto"`, `"gpu"` or `"cpu"`). Resolves to `{ info, scorer }`: `info` is
    /// `{ requested, gpu, name, adapter, reason, calibration }`; `scorer` (a `GpuScorer`)
    /// is present only when the GPU is to be used. Never rejects for a missing adapter:
    /// the CPU is chosen and `reason` says why.
    #[wasm_bindgen(js_name = gpuInit)]
    pub fn gpu_init(&self, options: JsValue) -> Result<js_sys::Promise, JsError> {
        let opts = parse_options(&options)?;
        let inst = self.inst.clone();
        let max_batch = batch_size(&opts, rayon::current_num_threads());
        Ok(future_to_promise(async move {
            let choice = opts.evaluator;
            let out = js_sys::Object::new();
            // `auto` never takes a software adapter: checked before a device is built,
            // since compiling the pipeline on one costs memory and time for nothing.
            let software = if choice == EvaluatorChoice::Auto {
                browser_software_adapter().await
            } else {
                None
            };
            let info = if choice == EvaluatorChoice::Cpu {
                cpu_info(choice, "asked for the CPU".into(), None)
            } else if let Some(adapter) = software {
                software_info(choice, adapter)
            } else {
                match GpuEvaluator::new(&inst, max_batch).await {
                    Err(e) => cpu_info(choice, e.to_string(), None),
                    Ok(mut gpu) => {
                        let mut adapter = gpu.adapter().to_string();
                        if adapter.starts_with("unnamed adapter")
                            && let Some(named) = browser_adapter_name().await
                        {
                            adapter = adapter.replacen("unnamed adapter", &named, 1);
                        }
                        // wgpu's own word for it ("(WebGpu, Cpu)") where the browser
                        // said nothing above.
                        if choice == EvaluatorChoice::Auto
                            && (adapter.ends_with(", Cpu)") || names_software_adapter(&adapter))
                        {
                            let info = software_info(choice, adapter);
                            js_sys::Reflect::set(&out, &"info".into(), &to_js(&info)?)?;
                            return Ok(out.into());
                        }
                        let (use_gpu, reason, calibration) = if choice == EvaluatorChoice::Gpu {
                            (true, "asked for the GPU".to_string(), None)
                        } else {
                            let c = calibrate(&mut gpu, &inst, max_batch).await;
                            let (faster, verdict) = c.verdict();
                            (faster, verdict, Some(c))
                        };
                        if let Some(e) = gpu.failure() {
                            cpu_info(
                                choice,
                                format!("the GPU failed: {e}"),
                                calibration.map(|c| (adapter, c)),
                            )
                        } else if !use_gpu {
                            cpu_info(choice, reason, calibration.map(|c| (adapter, c)))
                        } else {
                            let memory = crate::budget::Budget::for_options(&opts).memory_gib
                                * (1u64 << 30) as f64;
                            let _ = gpu
                                .enable_search(&inst, memory as u64, PAGE_TABU_WALKS)
                                .await;
                            let search = Some(gpu.search_note().to_string());
                            let name = if gpu.search_plan().is_some() {
                                format!("gpu {adapter} + tabu search")
                            } else {
                                format!("gpu {adapter}")
                            };
                            let scorer = GpuScorer {
                                inst: inst.clone(),
                                gpu: Rc::new(RefCell::new(Some(gpu))),
                                name: name.clone(),
                            };
                            js_sys::Reflect::set(&out, &"scorer".into(), &scorer.into())?;
                            EvaluatorInfo {
                                requested: choice,
                                gpu: true,
                                name,
                                adapter: Some(adapter),
                                reason,
                                calibration,
                                search,
                            }
                        }
                    }
                }
            };
            js_sys::Reflect::set(&out, &"info".into(), &to_js(&info)?)?;
            Ok(out.into())
        }))
    }

    /// The GPU neighbourhood kernel (`shaders/neighbourhood.wgsl`) on this browser's
    /// WebGPU, checked: every (lecture → period, room) move's delta of a constructed and of
    /// a random timetable of this instance, against the CPU's exact delta. Resolves to
    /// `{ adapter, plan, checked, mismatches, first }` (`plan`: the sizing lines), or
    /// rejects saying why the kernel cannot run here (no WebGPU, a campus instance).
    #[wasm_bindgen(js_name = gpuNeighbourhoodCheck)]
    pub fn gpu_neighbourhood_check(&self, seed: u32) -> js_sys::Promise {
        use crate::gpu::neighbourhood::{Counters, DeltaCheck, Fault, Neighbourhood, check_deltas};
        use rand::SeedableRng;
        let inst = self.inst.clone();
        future_to_promise(async move {
            let mut k = Neighbourhood::new(&inst, 1 << 30, Fault::None)
                .await
                .map_err(|e| error(&e.to_string()))?;
            let mut rng = rand::rngs::SmallRng::seed_from_u64(seed as u64);
            let states = [
                crate::construct::construct(&inst, &mut rng).timetable,
                crate::parallel::random_timetable(&inst, seed as u64),
            ];
            let mut total = DeltaCheck::default();
            for tt in &states {
                k.load(&mut Counters::new(&inst, tt));
                let got = k.all_deltas().await.map_err(|e| error(&e.to_string()))?;
                let c = check_deltas(&inst, tt, &got);
                total.checked += c.checked;
                total.mismatches += c.mismatches;
                total.first.extend(c.first);
            }
            #[derive(serde::Serialize)]
            struct Out {
                adapter: String,
                plan: Vec<String>,
                #[serde(flatten)]
                check: DeltaCheck,
            }
            to_js(&Out {
                adapter: k.adapter().to_string(),
                plan: k.plan().lines(),
                check: total,
            })
            .map_err(JsValue::from)
        })
    }

    /// The first half of a generation for an asynchronous evaluator: breeds on every
    /// island and returns the batch as flat slots, or `undefined` once the run is over
    /// (then `solveStep(0)` gives the final progress event).
    #[wasm_bindgen(js_name = solveBreed)]
    pub fn solve_breed(&mut self) -> Result<Option<Vec<u32>>, JsError> {
        let running = self.running()?;
        Ok(running.solver.breed().map(|tts| {
            tts.iter()
                .flat_map(|t| t.slots().iter().map(|s| s.0))
                .collect()
        }))
    }

    /// The second half: `scores` as `GpuScorer.score` resolves them (12 per timetable of
    /// the last `solveBreed` batch). Refines, selects and returns the progress event as
    /// `solveStep` does.
    #[wasm_bindgen(js_name = solveSelect)]
    pub fn solve_select(&mut self, scores: Vec<u32>) -> Result<JsValue, JsError> {
        if !scores.len().is_multiple_of(COMPONENTS) {
            return Err(JsError::new("scores must hold 12 components per timetable"));
        }
        let running = self.running()?;
        let scores: Vec<Breakdown> = scores
            .chunks(COMPONENTS)
            .map(|w| {
                let mut c = [0; COMPONENTS];
                c.copy_from_slice(w);
                Breakdown::from_components(c)
            })
            .collect();
        let finished = running.solver.select(scores);
        to_js(&ProgressReport {
            progress: &running.solver.progress(),
            finished,
        })
    }

    /// The best timetable of the running solve as flat slots (for `GpuScorer.intensify`).
    #[wasm_bindgen(js_name = solveBest)]
    pub fn solve_best(&mut self) -> Result<Vec<u32>, JsError> {
        let running = self.running()?;
        Ok(running
            .solver
            .best_timetable()
            .slots()
            .iter()
            .map(|s| s.0)
            .collect())
    }

    /// Offers a timetable (flat slots, as `GpuScorer.intensify` resolves it) to the running
    /// solve; it is scored here, so only an exact cost enters. True when it became the
    /// run's best; false when it is no better, or not a timetable of this instance.
    #[wasm_bindgen(js_name = solveOffer)]
    pub fn solve_offer(&mut self, slots: Vec<u32>) -> Result<bool, JsError> {
        let running = self.running()?;
        let inst = running.solver.instance().clone();
        let Ok(mut tts) = timetables(&inst, &slots) else {
            return Ok(false);
        };
        let Some(tt) = tts.pop().filter(|_| tts.is_empty()) else {
            return Ok(false);
        };
        let cost = crate::eval::score(&inst, &tt).cost();
        Ok(running.solver.offer(tt, cost))
    }

    /// Names the evaluator that scores this solve's batches (`GpuScorer.name`), for the
    /// progress events (`progress.evaluator`) and the result's `stats.evaluator`.
    #[wasm_bindgen(js_name = solveUseEvaluator)]
    pub fn solve_use_evaluator(&mut self, name: &str) -> Result<(), JsError> {
        self.running()?.solver.set_evaluator_name(name.to_string());
        Ok(())
    }
}
