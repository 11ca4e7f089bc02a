//! The wgpu side of the neighbourhood search: the instance and counter buffers, the two
//! pipelines (best move per workgroup, every delta for the exactness check), dispatch and
//! read-back. The tabu driver ([`super::tabu_search`]) talks to it through [`super::MoveSource`].

use wgpu::util::DeviceExt;

use super::super::device::{
    Pass, bind_buffers, describe, dispatch_and_read, to_bytes, usable_adapter,
};
use super::*;
use crate::eval::Cost;

/// The neighbourhood kernel on one device, for one instance: the instance buffer, the
/// counter buffer (one block per walk, [`Plan::walks`] of them), the two pipelines.
pub struct Neighbourhood {
    device: wgpu::Device,
    queue: wgpu::Queue,
    best_pipe: wgpu::ComputePipeline,
    best_bind: wgpu::BindGroup,
    all_pipe: Option<(wgpu::ComputePipeline, wgpu::BindGroup, wgpu::Buffer)>,
    state_buf: wgpu::Buffer,
    cand_buf: wgpu::Buffer,
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
    /// `memory_bytes` of budget, for up to [`MAX_WALKS`] walks. `perturb` builds a deliberately wrong kernel (room
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
            perturb,
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
        perturb: bool,
    ) -> Result<Neighbourhood, GpuError> {
        let plan = plan(inst, limits_of(&device.limits()), memory_bytes, max_walks)?;
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
        let walks = plan.walks as u64;
        let state_buf = storage(
            "counters",
            walks * plan.state_bytes,
            U::STORAGE | U::COPY_DST,
        );
        let cand_buf = storage(
            "candidates",
            walks * plan.candidate_bytes,
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
            .max(walks * plan.candidate_bytes);
        let readback = storage(
            "neighbourhood readback",
            read_size,
            U::MAP_READ | U::COPY_DST,
        );
        let bind = |pipe: &wgpu::ComputePipeline, out: &wgpu::Buffer| {
            bind_buffers(&device, None, pipe, &[&inst_buf, &state_buf, &params, out])
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

    /// Runs `pipe` over the neighbourhood of `steps.len()` walks and reads `bytes` of
    /// `out` back as words.
    async fn run(
        &self,
        pipe: &wgpu::ComputePipeline,
        bind: &wgpu::BindGroup,
        out: &wgpu::Buffer,
        bytes: u64,
        steps: &[StepParams],
    ) -> Result<Vec<u32>, GpuError> {
        let gpw = self.plan.groups;
        let total = gpw * steps.len() as u32;
        let (gx, gy) = grid(total);
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let words: Vec<u32> = steps.iter().flat_map(|s| s.words(gx, gpw, total)).collect();
        self.queue.write_buffer(&self.params, 0, &to_bytes(&words));
        let words = dispatch_and_read(
            &self.device,
            &self.queue,
            Pass {
                label: "neighbourhood",
                pipeline: pipe,
                bind,
                grid: (gx, gy),
            },
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
        };
        let words = self
            .run(pipe, bind, out, 8 * self.plan.moves, &[step])
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

    async fn best(&mut self, steps: &[StepParams]) -> Result<Vec<Vec<Candidate>>, GpuError> {
        if steps.is_empty() || steps.len() > self.plan.walks as usize {
            return Err(GpuError::Device(format!(
                "{} walks in one step, the buffers hold 1 to {}",
                steps.len(),
                self.plan.walks
            )));
        }
        let words = self
            .run(
                &self.best_pipe,
                &self.best_bind,
                &self.cand_buf,
                steps.len() as u64 * self.plan.candidate_bytes,
                steps,
            )
            .await?;
        let per_walk = 4 * self.plan.groups as usize;
        Ok(words
            .chunks_exact(per_walk)
            .map(|walk| {
                walk.chunks_exact(4)
                    .map(|w| Candidate {
                        hard: w[0] as i32,
                        soft: w[1] as i32,
                        tie: w[2],
                        index: w[3],
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
