//! GPU batch fitness: the full UD2 score of a whole batch of timetables in one compute
//! dispatch (`shaders/fitness.wgsl` through wgpu), bit-identical with
//! [`crate::eval::score`]. The GPU is an option that helps, never a requirement:
//! [`choose_evaluator`] returns the CPU evaluator, with the reason, whenever there is no
//! adapter, the instance does not fit the shader, or (for `auto`) a short calibration
//! finds the GPU slower than the CPU on this instance and batch size.
//!
//! - [`pack`]: the instance as the shader reads it, and the checks that keep it exact;
//! - `device` (feature `gpu`): the wgpu device, pipeline and buffers ([`GpuEvaluator`]).

pub mod neighbourhood;
pub mod pack;

#[cfg(not(feature = "gpu"))]
mod absent;
#[cfg(feature = "gpu")]
mod device;

#[cfg(not(feature = "gpu"))]
pub use absent::GpuEvaluator;
#[cfg(feature = "gpu")]
pub use device::GpuEvaluator;

use serde::Serialize;
use thiserror::Error;

use crate::evolve::{BatchEvaluator, CpuBatchEvaluator};
use crate::model::{Instance, Timetable};
use crate::options::{EvaluatorChoice, SolverOptions};
use crate::parallel::random_timetable;
use web_time::Instant;

/// Why the GPU evaluator is not available.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GpuError {
    /// No GPU (or software) adapter: the normal case on many machines, not a failure.
    #[error("no GPU adapter: {0}")]
    NoAdapter(String),
    /// The adapter would not give a device, or the pipeline could not be built.
    #[error("the GPU device failed: {0}")]
    Device(String),
    /// The instance is beyond what the shader can score exactly.
    #[error("the instance is too large for the GPU shader: {what} {need} > {limit}")]
    TooLarge {
        what: &'static str,
        need: u64,
        limit: u64,
    },
    /// The instance has nothing the shader could score.
    #[error("the GPU shader does not support this instance: {0}")]
    Unsupported(String),
    /// This build has no GPU support.
    #[error("built without the `gpu` feature")]
    NotBuilt,
}

/// Evaluations per second of each evaluator on the calibration batch.
#[derive(Clone, Debug, Serialize)]
pub struct Calibration {
    pub batch: usize,
    pub cpu_per_second: f64,
    pub gpu_per_second: f64,
}

/// Which evaluator a run uses and why, for progress events, results and the page.
#[derive(Clone, Debug, Serialize)]
pub struct EvaluatorInfo {
    /// What was asked for.
    pub requested: EvaluatorChoice,
    /// True when the GPU evaluator runs.
    pub gpu: bool,
    /// The evaluator's name, as `BatchEvaluator::name` gives it.
    pub name: String,
    /// The adapter's name, when one was found.
    pub adapter: Option<String>,
    /// Why this evaluator (the GPU error, or the calibration's verdict).
    pub reason: String,
    /// The `auto` calibration, when it ran.
    pub calibration: Option<Calibration>,
    /// The GPU search (tabu over whole neighbourhoods): its sizing in words, or why it is
    /// off; `None` when the GPU does not run.
    pub search: Option<String>,
}

/// Timetables the GPU evaluator's buffers hold: one generation's batch for all islands
/// together (islands, 0 = one per worker thread, × offspring), capped by the memory
/// budget's `gpu_batch` (a larger generation is scored in several dispatches).
pub fn batch_size(opts: &SolverOptions, threads: usize) -> usize {
    let islands = if opts.islands == 0 {
        threads
    } else {
        opts.islands
    };
    let cap = crate::budget::Budget::for_options(opts).gpu_batch.max(1);
    (islands * opts.offspring).clamp(1, cap)
}

/// Timetables in the `auto` calibration batch at most (the run's batch size if smaller).
pub const CALIBRATION_MAX_BATCH: usize = 1024;
/// Timed rounds of each evaluator in the calibration (after one untimed warm-up round).
pub const CALIBRATION_ROUNDS: usize = 2;

impl Calibration {
    /// Whether the GPU was faster, and the verdict in words for reports.
    pub fn verdict(&self) -> (bool, String) {
        (
            self.gpu_per_second > self.cpu_per_second,
            format!(
                "auto: gpu {:.0}/s vs cpu {:.0}/s on {} timetables",
                self.gpu_per_second, self.cpu_per_second, self.batch
            ),
        )
    }
}

/// The `auto` calibration: evaluations per second of the CPU evaluator (on the current
/// rayon pool) and of `gpu`, each on the same batch of random timetables of `inst` (the
/// run's batch size, at most [`CALIBRATION_MAX_BATCH`]), one untimed warm-up round then
/// [`CALIBRATION_ROUNDS`] timed ones. Asynchronous for the page; natively see
/// `GpuEvaluator::calibrate_blocking`.
pub async fn calibrate(gpu: &mut GpuEvaluator, inst: &Instance, max_batch: usize) -> Calibration {
    let n = max_batch.clamp(1, CALIBRATION_MAX_BATCH);
    let batch: Vec<Timetable> = (0..n).map(|i| random_timetable(inst, i as u64)).collect();
    let mut cpu = CpuBatchEvaluator;
    cpu.evaluate(inst, &batch);
    let start = Instant::now();
    for _ in 0..CALIBRATION_ROUNDS {
        cpu.evaluate(inst, &batch);
    }
    let cpu_s = start.elapsed().as_secs_f64().max(1e-9);
    gpu.evaluate_async(inst, &batch).await;
    let start = Instant::now();
    for _ in 0..CALIBRATION_ROUNDS {
        gpu.evaluate_async(inst, &batch).await;
    }
    let gpu_s = start.elapsed().as_secs_f64().max(1e-9);
    let done = (CALIBRATION_ROUNDS * n) as f64;
    Calibration {
        batch: n,
        cpu_per_second: done / cpu_s,
        gpu_per_second: done / gpu_s,
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use native::{choose_evaluator, gpu_evaluator_blocking};

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::*;

    /// Creates the GPU evaluator for `inst` with buffers for `max_batch` timetables,
    /// blocking until the device is ready.
    #[cfg(feature = "gpu")]
    pub fn gpu_evaluator_blocking(
        inst: &Instance,
        max_batch: usize,
    ) -> Result<GpuEvaluator, GpuError> {
        pollster::block_on(GpuEvaluator::new(inst, max_batch))
    }

    /// The adapter wgpu would use, when it is a software rasterizer (lavapipe, llvmpipe,
    /// SwiftShader): `auto` then keeps the CPU without building a device or calibrating,
    /// since software adapters are slower than the CPU evaluator and their driver costs
    /// tens of MB of memory once a pipeline is compiled.
    #[cfg(feature = "gpu")]
    fn software_adapter() -> Option<String> {
        pollster::block_on(device::software_adapter())
    }

    #[cfg(not(feature = "gpu"))]
    fn software_adapter() -> Option<String> {
        None
    }

    /// On Linux, a GPU a driver could use shows up as a device node: `/dev/dri/renderD*`
    /// (Mesa and most kernels' drivers), `/dev/nvidia*` (NVIDIA's driver), `/dev/dxg`
    /// (WSL). With none of them only a software adapter can exist, which `auto` would
    /// refuse anyway, so `auto` decides without asking wgpu: enumerating adapters loads
    /// every installed Vulkan and EGL driver, which alone costs ~70 MB of memory (more
    /// than the whole CPU solve of comp07). Other systems, and `gpu` asked explicitly,
    /// always ask wgpu. `ATOLL_PROBE_GPU=1` forces the probe (for a GPU this check misses).
    fn no_gpu_device_node() -> Option<String> {
        if !cfg!(target_os = "linux") || std::env::var_os("ATOLL_PROBE_GPU").is_some() {
            return None;
        }
        no_gpu_node_in(std::path::Path::new("/dev"))
    }

    /// [`no_gpu_device_node`] on a given `/dev`, for tests.
    pub(crate) fn no_gpu_node_in(dev: &std::path::Path) -> Option<String> {
        let has = |dir: &std::path::Path, prefix: &str| {
            std::fs::read_dir(dir).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().starts_with(prefix))
            })
        };
        if has(&dev.join("dri"), "renderD") || has(dev, "nvidia") || dev.join("dxg").exists() {
            None
        } else {
            Some(
                "auto: no GPU device node (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg), so at most a \
                 software adapter (slower than the CPU evaluator); set ATOLL_PROBE_GPU=1 to ask \
                 the drivers anyway"
                    .into(),
            )
        }
    }

    /// Builds the GPU search beside the batch scoring; without it the GPU still scores the
    /// batches and `search_note` says why.
    #[cfg(feature = "gpu")]
    fn enable_search_blocking(gpu: &mut GpuEvaluator, inst: &Instance, memory_bytes: u64) {
        let _ = pollster::block_on(gpu.enable_search(inst, memory_bytes, neighbourhood::MAX_WALKS));
    }

    #[cfg(not(feature = "gpu"))]
    fn enable_search_blocking(gpu: &mut GpuEvaluator, _inst: &Instance, _memory_bytes: u64) {
        match *gpu {}
    }

    /// Without the `gpu` feature there is no GPU evaluator.
    #[cfg(not(feature = "gpu"))]
    pub fn gpu_evaluator_blocking(
        _inst: &Instance,
        _max_batch: usize,
    ) -> Result<GpuEvaluator, GpuError> {
        Err(GpuError::NotBuilt)
    }

    /// The one factory for the batch evaluator of a run (CLI and page alike): the GPU when
    /// `choice` asks for it (or, for `auto`, when it is faster here), else the CPU
    /// evaluator on the current rayon pool. Never fails: without a usable GPU the CPU
    /// evaluates and [`EvaluatorInfo::reason`] says why. Call it inside the pool that will
    /// run the solve, so the calibration measures that pool.
    pub fn choose_evaluator(
        inst: &Instance,
        choice: EvaluatorChoice,
        max_batch: usize,
    ) -> (Box<dyn BatchEvaluator + Send>, EvaluatorInfo) {
        let cpu = |reason: String, adapter: Option<String>, calibration| {
            let ev = CpuBatchEvaluator;
            let info = EvaluatorInfo {
                requested: choice,
                gpu: false,
                name: ev.name(),
                adapter,
                reason,
                calibration,
                search: None,
            };
            (Box::new(ev) as Box<dyn BatchEvaluator + Send>, info)
        };
        if choice == EvaluatorChoice::Cpu {
            return cpu("asked for the CPU".into(), None, None);
        }
        if choice == EvaluatorChoice::Auto
            && let Some(why) = no_gpu_device_node()
        {
            return cpu(why, None, None);
        }
        if choice == EvaluatorChoice::Auto
            && let Some(adapter) = software_adapter()
        {
            return cpu(
                "auto: the only adapter is a software one (slower than the CPU evaluator)".into(),
                Some(adapter),
                None,
            );
        }
        let mut gpu = match gpu_evaluator_blocking(inst, max_batch.max(1)) {
            Ok(g) => g,
            Err(e) => return cpu(e.to_string(), None, None),
        };
        let adapter = Some(gpu.adapter().to_string());
        let mut calibration = None;
        let reason = if choice == EvaluatorChoice::Gpu {
            "asked for the GPU".to_string()
        } else {
            let c = gpu.calibrate_blocking(inst, max_batch);
            let (faster, verdict) = c.verdict();
            calibration = Some(c);
            if !faster {
                return cpu(verdict, adapter, calibration);
            }
            verdict
        };
        if let Some(e) = gpu.failure() {
            return cpu(format!("the GPU failed: {e}"), adapter, calibration);
        }
        let memory = crate::budget::Budget::detect().memory_gib * (1u64 << 30) as f64;
        enable_search_blocking(&mut gpu, inst, memory as u64);
        let info = EvaluatorInfo {
            requested: choice,
            gpu: true,
            name: gpu.name(),
            adapter,
            reason,
            calibration,
            search: Some(gpu.search_note().to_string()),
        };
        (Box::new(gpu), info)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn device_nodes_decide_whether_auto_probes() {
            let dir = std::env::temp_dir().join(format!("atoll-dev-{}", std::process::id()));
            std::fs::create_dir_all(dir.join("dri")).unwrap();
            assert!(no_gpu_node_in(&dir).is_some());
            std::fs::write(dir.join("dri/card0"), "").unwrap();
            assert!(
                no_gpu_node_in(&dir).is_some(),
                "a card without a render node"
            );
            std::fs::write(dir.join("dri/renderD128"), "").unwrap();
            assert!(no_gpu_node_in(&dir).is_none());
            std::fs::remove_file(dir.join("dri/renderD128")).unwrap();
            std::fs::write(dir.join("nvidia0"), "").unwrap();
            assert!(no_gpu_node_in(&dir).is_none());
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}
