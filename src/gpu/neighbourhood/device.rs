//! The wgpu side of the neighbourhood search: the instance, counter, candidate and step-log
//! buffers, the three pipelines (best move per workgroup; the apply pass; every delta for
//! the exactness check), submissions of many steps and their read-back. The tabu driver
//! ([`super::run_walks`]) talks to it through [`super::MoveSource`].

use wgpu::util::DeviceExt;

use super::super::device::{
    Pass, bind_buffers, describe, dispatch_and_read, to_bytes, usable_adapter,
};
use super::*;
use crate::eval::Cost;

/// The neighbourhood kernel on one device, for one instance: the instance buffer, the
/// counter buffer (one block per walk, [`Plan::walks`] of them), the pipelines.
pub struct Neighbourhood {
    device: wgpu::Device,
    queue: wgpu::Queue,
    best_pipe: wgpu::ComputePipeline,
    best_bind: wgpu::BindGroup,
    apply_pipe: wgpu::ComputePipeline,
    apply_bind: wgpu::BindGroup,
    /// Every walk's candidates, then from [`Self::trail_at`] each walk's logged steps of
    /// the last submission.
    cand_buf: wgpu::Buffer,
    /// Where the step log starts in `cand_buf`, in words.
    trail_at: u32,
    /// Steps a submission holds at most (the plan's, or fewer when a test asks).
    steps_limit: u32,
    all_pipe: Option<(wgpu::ComputePipeline, wgpu::BindGroup, wgpu::Buffer)>,
    state_buf: wgpu::Buffer,
    /// One [`StepParams`] per walk.
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
    /// `memory_bytes` of budget, for up to [`MAX_WALKS`] walks. `fault` builds a
    /// deliberately wrong kernel: only the tests that prove the checks can fail ask for one.
    pub async fn new(
        inst: &Instance,
        memory_bytes: u64,
        fault: Fault,
    ) -> Result<Neighbourhood, GpuError> {
        if let Some(why) = unsupported(inst) {
            return Err(GpuError::Unsupported(why));
        }
        let adapter = usable_adapter().await?;
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
            MAX_WALKS,
            fault,
        )
        .await
    }

    /// Builds the kernel for `inst` on an existing device (the batch evaluator's), for up
    /// to `max_walks` walks per dispatch.
    pub async fn with_device(
        device: wgpu::Device,
        queue: wgpu::Queue,
        adapter: String,
        inst: &Instance,
        memory_bytes: u64,
        max_walks: u32,
        fault: Fault,
    ) -> Result<Neighbourhood, GpuError> {
        let plan = plan(inst, limits_of(&device.limits()), memory_bytes, max_walks)?;
        let layout = Layout::of(inst);
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = |label: &str, source: String| {
            device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(label),
                source: wgpu::ShaderSource::Wgsl(source.into()),
            })
        };
        let scoring = module("neighbourhood.wgsl", layout.shader(plan.workgroup));
        let applying = module("apply.wgsl", layout.apply_shader(plan.workgroup));
        let flag = |on: bool| [("PERTURB", if on { 1.0 } else { 0.0 })];
        let pipe = |module: &wgpu::ShaderModule, entry: &str, perturb: bool| {
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(entry),
                layout: None,
                module,
                entry_point: Some(entry),
                compilation_options: wgpu::PipelineCompilationOptions {
                    constants: &flag(perturb),
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
        let walks = plan.walks as u64;
        let state_buf = storage(
            "counters",
            walks * plan.state_bytes,
            U::STORAGE | U::COPY_DST | U::COPY_SRC,
        );
        let trail_at = walks * plan.candidate_bytes;
        let cand_buf = storage(
            "candidates and step log",
            trail_at + walks * plan.trail_bytes,
            U::STORAGE | U::COPY_SRC,
        );
        let params = storage(
            "steps",
            walks * 4 * STEP_WORDS as u64,
            U::STORAGE | U::COPY_DST,
        );
        let read_size = plan
            .all_deltas_bytes
            .unwrap_or(0)
            .max(walks * plan.trail_bytes)
            .max(plan.state_bytes);
        let readback = storage(
            "neighbourhood readback",
            read_size,
            U::MAP_READ | U::COPY_DST,
        );
        let bind = |pipe: &wgpu::ComputePipeline, out: &wgpu::Buffer| {
            bind_buffers(&device, None, pipe, &[&inst_buf, &state_buf, &params, out])
        };
        let best_pipe = pipe(&scoring, "best", fault == Fault::Delta);
        let best_bind = bind(&best_pipe, &cand_buf);
        let apply_pipe = pipe(&applying, "apply", fault == Fault::Apply);
        let apply_bind = bind_buffers(
            &device,
            None,
            &apply_pipe,
            &[&inst_buf, &state_buf, &params, &cand_buf],
        );
        let all_pipe = plan.all_deltas_bytes.map(|bytes| {
            let p = pipe(&scoring, "all_deltas", fault == Fault::Delta);
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
            apply_pipe,
            apply_bind,
            cand_buf,
            trail_at: (trail_at / 4) as u32,
            steps_limit: plan.steps_per_submission,
            all_pipe,
            state_buf,
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

    /// Writes the step parameters of `steps.len()` walks, records `passes(gx, gy)` (the
    /// grid of the scoring dispatch for that many walks) in one submission and reads
    /// `bytes` of `out` (a buffer and a byte offset) back as words.
    async fn submit<'a>(
        &'a self,
        steps: &[StepParams],
        passes: impl FnOnce((u32, u32)) -> Vec<Pass<'a>>,
        out: (&wgpu::Buffer, u64),
        bytes: u64,
    ) -> Result<Vec<u32>, GpuError> {
        let gpw = self.plan.groups;
        let total = gpw * steps.len() as u32;
        let (gx, gy) = grid(total);
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let words: Vec<u32> = steps
            .iter()
            .flat_map(|s| s.words(gx, gpw, total, self.trail_at))
            .collect();
        self.queue.write_buffer(&self.params, 0, &to_bytes(&words));
        let words = dispatch_and_read(
            &self.device,
            &self.queue,
            &passes((gx, gy)),
            out,
            &self.readback,
            bytes,
        )
        .await
        .map_err(GpuError::Device)?;
        if let Some(e) = scope.pop().await {
            return Err(GpuError::Device(e.to_string()));
        }
        Ok(words)
    }

    /// Lets a submission hold at most `n` steps (at least one; at most the plan's): the
    /// test that a walk does not depend on how its steps are grouped asks for fewer.
    pub fn limit_steps_per_submission(&mut self, n: u32) {
        self.steps_limit = n.clamp(1, self.plan.steps_per_submission);
    }

    /// The words of the counters the device holds for the walk in slot `walk` (the test
    /// that the apply pass keeps them as the host's mirror does reads them).
    pub async fn counters(&self, walk: usize) -> Result<Vec<u32>, GpuError> {
        let bytes = self.plan.state_bytes;
        if walk >= self.plan.walks as usize || bytes > self.readback.size() {
            return Err(GpuError::Device(format!(
                "walk slot {walk} of {} cannot be read back",
                self.plan.walks
            )));
        }
        dispatch_and_read(
            &self.device,
            &self.queue,
            &[],
            (&self.state_buf, walk as u64 * bytes),
            &self.readback,
            bytes,
        )
        .await
        .map_err(GpuError::Device)
    }

    /// Uploads all of `counters` (a new timetable) into slot 0, the one
    /// [`Self::all_deltas`] reads.
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
            active: true,
        };
        let pass = |grid| {
            vec![Pass {
                label: "all deltas",
                pipeline: pipe,
                bind,
                grid,
            }]
        };
        let words = self
            .submit(&[step], pass, (out, 0), 8 * self.plan.moves)
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
    async fn sync(&mut self, walk: usize, counters: &mut Counters) -> Result<(), GpuError> {
        if walk >= self.plan.walks as usize {
            return Err(GpuError::Device(format!(
                "walk slot {walk} of {} the buffers hold",
                self.plan.walks
            )));
        }
        let base = walk as u64 * self.plan.state_bytes;
        for (start, words) in counters.take_dirty() {
            self.queue
                .write_buffer(&self.state_buf, base + 4 * start as u64, &to_bytes(&words));
        }
        Ok(())
    }

    fn steps_per_submission(&self) -> u32 {
        self.steps_limit
    }

    async fn walk(&mut self, steps: &[StepParams], n: u32) -> Result<Vec<Vec<Logged>>, GpuError> {
        if steps.is_empty() || steps.len() > self.plan.walks as usize {
            return Err(GpuError::Device(format!(
                "{} walks in one submission, the buffers hold 1 to {}",
                steps.len(),
                self.plan.walks
            )));
        }
        if n == 0 || n > self.plan.steps_per_submission {
            return Err(GpuError::Device(format!(
                "{n} steps in one submission, the step log holds 1 to {}",
                self.plan.steps_per_submission
            )));
        }
        let walks = steps.len() as u32;
        let passes = |grid| {
            (0..n)
                .flat_map(|_| {
                    [
                        Pass {
                            label: "best",
                            pipeline: &self.best_pipe,
                            bind: &self.best_bind,
                            grid,
                        },
                        Pass {
                            label: "apply",
                            pipeline: &self.apply_pipe,
                            bind: &self.apply_bind,
                            grid: (walks, 1),
                        },
                    ]
                })
                .collect()
        };
        let words = self
            .submit(
                steps,
                passes,
                (&self.cand_buf, 4 * self.trail_at as u64),
                steps.len() as u64 * self.plan.trail_bytes,
            )
            .await?;
        let per_walk = self.plan.trail_bytes as usize / 4;
        Ok(words
            .chunks_exact(per_walk)
            .map(|walk| {
                walk.chunks_exact(3)
                    .take(n as usize)
                    .map(|w| Logged {
                        index: w[0],
                        hard: w[1] as i32,
                        soft: w[2] as i32,
                    })
                    .collect()
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
