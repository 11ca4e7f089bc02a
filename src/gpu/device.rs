//! The wgpu side of the GPU evaluator: one device, one pipeline made for one instance,
//! buffers created once for the largest batch, one upload and one readback per chunk.
//! WebGPU in the page, Vulkan/Metal/DX12 natively. The device is owned by the thread that
//! created it (wgpu objects are `!Send` on the web); rayon workers never see it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use wgpu::util::DeviceExt;

use super::GpuError;
use super::neighbourhood::{Neighbourhood, Plan, TabuStats, TabuWalk, run_walks};
use super::pack::{OUT_STRIDE, pack};
use crate::eval::{Breakdown, score};
use crate::model::{CourseId, Instance, Timetable};

/// Bytes of one `u32`.
const WORD: u64 = 4;
/// The longest a native wait for one dispatch may take before the device counts as failed
/// (the CPU then scores). Far above a dispatch of the largest batch on a software adapter
/// (seconds), so only a hung device reaches it.
#[cfg(not(target_arch = "wasm32"))]
const WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);
/// Workgroups in one dimension of a dispatch (the WebGPU minimum of
/// `maxComputeWorkgroupsPerDimension`).
const MAX_GROUPS_X: u32 = 65_535;

/// What the evaluator remembers of its instance, to recognise it in `evaluate`.
struct Shape {
    lecture_course: Arc<[CourseId]>,
    courses: usize,
    rooms: usize,
    periods: usize,
    curricula: usize,
}

impl Shape {
    fn of(inst: &Instance) -> Shape {
        Shape {
            lecture_course: inst.lecture_courses().clone(),
            courses: inst.courses.len(),
            rooms: inst.rooms.len(),
            periods: inst.n_periods(),
            curricula: inst.curricula.len(),
        }
    }

    fn matches(&self, inst: &Instance) -> bool {
        let same_lectures = Arc::ptr_eq(&self.lecture_course, inst.lecture_courses())
            || self.lecture_course == *inst.lecture_courses();
        same_lectures
            && self.courses == inst.courses.len()
            && self.rooms == inst.rooms.len()
            && self.periods == inst.n_periods()
            && self.curricula == inst.curricula.len()
    }

    /// True when the shader can score `tt`: the instance's own lecture list.
    fn fits(&self, tt: &Timetable) -> bool {
        Arc::ptr_eq(&self.lecture_course, tt.lecture_courses())
            || self.lecture_course == *tt.lecture_courses()
    }
}

/// Scores batches of timetables of one instance on a GPU, exactly as
/// [`crate::eval::score`] does. Timetables the shader flags (a lecture outside the grid,
/// two lectures of a course in one period) or that carry another lecture list, and every
/// timetable after a device failure, are scored on the CPU, so results are always exact.
pub struct GpuEvaluator {
    device: wgpu::Device,
    queue: wgpu::Queue,
    pipeline: wgpu::ComputePipeline,
    bind_group: wgpu::BindGroup,
    batch_buf: wgpu::Buffer,
    out_buf: wgpu::Buffer,
    readback: wgpu::Buffer,
    params: wgpu::Buffer,
    /// Timetables per dispatch (the buffers' capacity).
    chunk: usize,
    n_lectures: usize,
    shape: Shape,
    adapter: String,
    /// Set when the device failed; from then on the CPU scores everything.
    failure: Arc<Mutex<Option<String>>>,
    /// Timetables the CPU scored because the shader could not (flags, other lecture lists).
    cpu_fallbacks: u64,
    /// The neighbourhood kernel driving the tabu phases, once [`Self::enable_search`]
    /// built it; `search_note` says its plan or why there is none.
    search: Option<Neighbourhood>,
    search_note: String,
    tabu: TabuStats,
    /// The tabu walks the phases continue, walk k in slot k of the kernel's buffers (see
    /// [`TabuWalk`], [`run_walks`]).
    walks: Vec<TabuWalk>,
}

/// The adapter, as reports name it: "name (backend, device type)". Browsers may keep the
/// name empty (fingerprinting); then the driver fields stand in.
pub(super) fn describe(info: &wgpu::AdapterInfo) -> String {
    let name = [&info.name, &info.driver, &info.driver_info]
        .into_iter()
        .find(|s| !s.is_empty())
        .map_or("unnamed adapter", |s| s.as_str());
    format!("{name} ({:?}, {:?})", info.backend, info.device_type)
}

/// The adapter every evaluator uses: wgpu's high-performance choice.
pub(super) async fn default_adapter() -> Result<wgpu::Adapter, wgpu::RequestAdapterError> {
    wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle())
        .request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::HighPerformance,
            ..Default::default()
        })
        .await
}

/// The default adapter, or why there is none: in a browser without `navigator.gpu`
/// wgpu's WebGPU backend has nothing to ask, so that is said before asking.
pub(super) async fn usable_adapter() -> Result<wgpu::Adapter, GpuError> {
    #[cfg(target_arch = "wasm32")]
    if !wgpu::util::is_browser_webgpu_supported().await {
        return Err(GpuError::NoAdapter("this browser offers no WebGPU".into()));
    }
    default_adapter()
        .await
        .map_err(|e| GpuError::NoAdapter(e.to_string()))
}

/// The adapter wgpu would choose, described, when it is a software rasterizer
/// (`DeviceType::Cpu`); `None` for a real GPU or no adapter. Native only.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) async fn software_adapter() -> Option<String> {
    let info = default_adapter().await.ok()?.get_info();
    (info.device_type == wgpu::DeviceType::Cpu).then(|| describe(&info))
}

impl GpuEvaluator {
    /// Finds an adapter, builds the pipeline for `inst` and buffers for `max_batch`
    /// timetables per dispatch (fewer if the device's buffer limits are smaller; larger
    /// batches are then scored in several dispatches).
    pub async fn new(inst: &Instance, max_batch: usize) -> Result<GpuEvaluator, GpuError> {
        let packed = pack(inst)?;
        let adapter = usable_adapter().await?;
        let adapter_name = describe(&adapter.get_info());
        let al = adapter.limits();
        // The WebGPU defaults, with the adapter's own buffer sizes (larger batches per
        // dispatch on real GPUs).
        let limits = wgpu::Limits {
            max_storage_buffer_binding_size: al.max_storage_buffer_binding_size,
            max_buffer_size: al.max_buffer_size,
            ..Default::default()
        };
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("atoll fitness"),
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::Device(e.to_string()))?;
        let failure: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
        {
            let failure = failure.clone();
            device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
                if let Ok(mut f) = failure.lock() {
                    f.get_or_insert_with(|| e.to_string());
                }
            }));
        }

        let per_tt = packed.n_lectures as u64 * WORD;
        let by_limit = (limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size)
            / per_tt.max(OUT_STRIDE as u64 * WORD)) as usize;
        let chunk = max_batch.clamp(1, by_limit.max(1));

        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("fitness.wgsl"),
            source: wgpu::ShaderSource::Wgsl(packed.shader.as_str().into()),
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some("fitness"),
            layout: None,
            module: &module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            cache: None,
        });
        let inst_bytes = to_bytes(&packed.words);
        let inst_buf = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("instance"),
            contents: &inst_bytes,
            usage: wgpu::BufferUsages::STORAGE,
        });
        let batch_buf = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("batch"),
            size: chunk as u64 * per_tt,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let out_size = chunk as u64 * OUT_STRIDE as u64 * WORD;
        let out_buf = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("results"),
            size: out_size,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let readback = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: out_size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let params = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("params"),
            size: 4 * WORD,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let bind_group = bind_buffers(
            &device,
            Some("fitness"),
            &pipeline,
            &[&inst_buf, &batch_buf, &out_buf, &params],
        );
        if let Some(e) = scope.pop().await {
            return Err(GpuError::Device(e.to_string()));
        }
        Ok(GpuEvaluator {
            device,
            queue,
            pipeline,
            bind_group,
            batch_buf,
            out_buf,
            readback,
            params,
            chunk,
            n_lectures: packed.n_lectures,
            shape: Shape::of(inst),
            adapter: adapter_name,
            failure,
            cpu_fallbacks: 0,
            search: None,
            search_note: "GPU search: not enabled".into(),
            tabu: TabuStats::default(),
            walks: Vec::new(),
        })
    }

    /// The adapter: "name (backend, device type)".
    pub fn adapter(&self) -> &str {
        &self.adapter
    }

    /// Builds the neighbourhood kernel on this device for `inst` within `memory_bytes` of
    /// budget and for up to `max_walks` walks a dispatch (natively one per island, in the
    /// page one), so [`Self::intensify_walks_async`] can search. On failure the batch scoring goes
    /// on and [`Self::search_note`] says why the search is off.
    pub async fn enable_search(
        &mut self,
        inst: &Instance,
        memory_bytes: u64,
        max_walks: u32,
    ) -> Result<&Plan, GpuError> {
        let built = Neighbourhood::with_device(
            self.device.clone(),
            self.queue.clone(),
            self.adapter.clone(),
            inst,
            memory_bytes,
            max_walks,
            super::neighbourhood::Fault::None,
        )
        .await;
        match built {
            Ok(n) => {
                self.search_note = n.plan().lines().join("; ");
                self.walks.clear();
                Ok(self.search.insert(n).plan())
            }
            Err(e) => {
                self.search_note = format!("GPU search off (the CPU searches): {e}");
                Err(e)
            }
        }
    }

    /// The neighbourhood's sizing plan, when the search is on.
    pub fn search_plan(&self) -> Option<&Plan> {
        self.search.as_ref().map(|n| n.plan())
    }

    /// The search's plan in words, or why it is off.
    pub fn search_note(&self) -> &str {
        &self.search_note
    }

    /// What the tabu phases did so far.
    pub fn tabu_stats(&self) -> &TabuStats {
        &self.tabu
    }

    /// One tabu phase of at most `steps` steps of one walk from the run's best `tt` (the
    /// page's form of [`Self::intensify_walks_async`], slot 0).
    pub async fn intensify_async(
        &mut self,
        inst: &Instance,
        tt: &Timetable,
        steps: u32,
        seed: u64,
        stop: &dyn Fn(u32) -> bool,
    ) -> Option<(Timetable, crate::eval::Cost)> {
        let start = (tt.clone(), crate::eval::score(inst, tt).cost());
        self.intensify_walks_async(inst, std::slice::from_ref(&start), steps, seed, stop)
            .await
            .into_iter()
            .next()
            .flatten()
    }

    /// One tabu phase of at most `steps` steps for the walks of `starts` (walk k belongs to
    /// start k, an island's best with its cost; starts beyond [`Plan::walks`] get no walk),
    /// all moved a step per dispatch. Walk k goes on from where the last phase left it,
    /// unless there is none, it has stalled, or start k is better than anything it found:
    /// then a new walk starts from start k on a stream of `seed` and k. Returns, per start,
    /// the walk's new best when this phase improved it. A device error turns the search
    /// off for the rest of the run (the reason in [`Self::search_note`]).
    pub async fn intensify_walks_async(
        &mut self,
        inst: &Instance,
        starts: &[(Timetable, crate::eval::Cost)],
        steps: u32,
        seed: u64,
        stop: &dyn Fn(u32) -> bool,
    ) -> Vec<Option<(Timetable, crate::eval::Cost)>> {
        let mut found = vec![None; starts.len()];
        let Some(n) = self.search.as_mut() else {
            return found;
        };
        if !self.shape.matches(inst) || starts.iter().any(|(tt, _)| !self.shape.fits(tt)) {
            return found;
        }
        let k = starts.len().min(n.plan().walks as usize);
        self.walks.truncate(k);
        let mut old = std::mem::take(&mut self.walks).into_iter();
        for (i, (tt, cost)) in starts[..k].iter().enumerate() {
            let walk = match old.next() {
                Some(w) if !w.stalled() && w.best().1 <= *cost => w,
                _ => TabuWalk::new(inst, tt, crate::evolve::island::island_seed(seed, i)),
            };
            self.walks.push(walk);
        }
        let moves = n.plan().moves;
        match run_walks(n, inst, &mut self.walks, steps, moves, stop, &mut self.tabu).await {
            Ok(walks) => {
                for (f, w) in found.iter_mut().zip(walks) {
                    *f = w;
                }
                found
            }
            Err(e) => {
                self.search = None;
                self.walks.clear();
                self.search_note = format!("GPU search failed, off for this run: {e}");
                found
            }
        }
    }

    /// Timetables scored per dispatch.
    pub fn chunk(&self) -> usize {
        self.chunk
    }

    /// Timetables the CPU scored because the shader could not (see the type's doc).
    pub fn cpu_fallbacks(&self) -> u64 {
        self.cpu_fallbacks
    }

    /// Why the device stopped working, if it did (the CPU has scored since).
    pub fn failure(&self) -> Option<String> {
        self.failure.lock().ok().and_then(|f| f.clone())
    }

    /// Scores `batch`, exactly. On the web this awaits the asynchronous readback; natively
    /// it blocks on the device (see [`crate::evolve::BatchEvaluator`] for the sync form).
    pub async fn evaluate_async(&mut self, inst: &Instance, batch: &[Timetable]) -> Vec<Breakdown> {
        if !self.shape.matches(inst) || self.failure().is_some() {
            return batch.iter().map(|tt| score(inst, tt)).collect();
        }
        let mut out: Vec<Option<Breakdown>> = vec![None; batch.len()];
        let gpu: Vec<usize> = (0..batch.len())
            .filter(|&i| self.shape.fits(&batch[i]))
            .collect();
        for ids in gpu.chunks(self.chunk) {
            match self.run_chunk(batch, ids).await {
                Ok(words) => {
                    for (k, &i) in ids.iter().enumerate() {
                        let w = &words[k * OUT_STRIDE..(k + 1) * OUT_STRIDE];
                        if w[OUT_STRIDE - 1] == 0 {
                            let mut c = [0; Breakdown::COMPONENTS];
                            c.copy_from_slice(&w[..Breakdown::COMPONENTS]);
                            out[i] = Some(Breakdown::from_components(c));
                        }
                    }
                }
                Err(e) => {
                    if let Ok(mut f) = self.failure.lock() {
                        f.get_or_insert(e);
                    }
                    break;
                }
            }
        }
        out.into_iter()
            .zip(batch)
            .map(|(b, tt)| {
                b.unwrap_or_else(|| {
                    self.cpu_fallbacks += 1;
                    score(inst, tt)
                })
            })
            .collect()
    }

    /// Uploads the timetables `ids` of `batch`, scores them in one dispatch and reads the
    /// results back (`OUT_STRIDE` words each).
    async fn run_chunk(&mut self, batch: &[Timetable], ids: &[usize]) -> Result<Vec<u32>, String> {
        let n = ids.len();
        let mut bytes = Vec::with_capacity(n * self.n_lectures * WORD as usize);
        for &i in ids {
            for s in batch[i].slots() {
                bytes.extend_from_slice(&s.0.to_le_bytes());
            }
        }
        let gx = (n as u32).min(MAX_GROUPS_X);
        let gy = (n as u32).div_ceil(gx);
        self.queue.write_buffer(&self.batch_buf, 0, &bytes);
        self.queue
            .write_buffer(&self.params, 0, &to_bytes(&[n as u32, gx, 0, 0]));
        let out_bytes = n as u64 * OUT_STRIDE as u64 * WORD;
        let words = dispatch_and_read(
            &self.device,
            &self.queue,
            &[Pass {
                label: "fitness",
                pipeline: &self.pipeline,
                bind: &self.bind_group,
                grid: (gx, gy),
            }],
            (&self.out_buf, 0),
            &self.readback,
            out_bytes,
        )
        .await?;
        if let Some(e) = self.failure() {
            return Err(e);
        }
        Ok(words)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl GpuEvaluator {
    /// [`super::calibrate`], blocking (native only).
    pub fn calibrate_blocking(&mut self, inst: &Instance, max_batch: usize) -> super::Calibration {
        pollster::block_on(super::calibrate(self, inst, max_batch))
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl crate::evolve::BatchEvaluator for GpuEvaluator {
    fn name(&self) -> String {
        let search = if self.search.is_some() {
            " + tabu search"
        } else {
            ""
        };
        match self.failure() {
            Some(e) => format!("gpu {} failed ({e}); cpu", self.adapter),
            None => format!("gpu {}{search}", self.adapter),
        }
    }

    fn evaluate(&mut self, inst: &Instance, batch: &[Timetable]) -> Vec<Breakdown> {
        pollster::block_on(self.evaluate_async(inst, batch))
    }

    fn search_walks(&self) -> usize {
        self.search.as_ref().map_or(0, |n| n.plan().walks as usize)
    }

    fn intensify(
        &mut self,
        inst: &Instance,
        starts: &[(Timetable, crate::eval::Cost)],
        steps: u32,
        seed: u64,
        stop: &dyn Fn(u32) -> bool,
    ) -> Vec<Option<(Timetable, crate::eval::Cost)>> {
        pollster::block_on(self.intensify_walks_async(inst, starts, steps, seed, stop))
    }
}

/// The bind group of `pipeline`'s group 0 with `buffers` whole, at bindings 0, 1, 2, …
/// in order (how both kernels declare theirs).
pub(super) fn bind_buffers(
    device: &wgpu::Device,
    label: Option<&str>,
    pipeline: &wgpu::ComputePipeline,
    buffers: &[&wgpu::Buffer],
) -> wgpu::BindGroup {
    let entries: Vec<wgpu::BindGroupEntry<'_>> = buffers
        .iter()
        .enumerate()
        .map(|(i, b)| wgpu::BindGroupEntry {
            binding: i as u32,
            resource: b.as_entire_binding(),
        })
        .collect();
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &entries,
    })
}

/// One compute pass: its label, pipeline, bind group and grid of workgroups.
pub(super) struct Pass<'a> {
    pub label: &'a str,
    pub pipeline: &'a wgpu::ComputePipeline,
    pub bind: &'a wgpu::BindGroup,
    pub grid: (u32, u32),
}

/// Records `passes` in order in one compute pass (each dispatch sees the previous one's
/// writes), copies `bytes` of `out` (a buffer and a byte offset) into `readback`, submits, and reads them back
/// as little-endian words: the one dispatch-and-read-back of both kernels (the fitness
/// batch; the neighbourhood's steps, two passes each). Natively it waits at most
/// [`WAIT_LIMIT`] for the device; in the browser the event loop drives the map. Errors are
/// the device's text.
pub(super) async fn dispatch_and_read(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    passes: &[Pass<'_>],
    out: (&wgpu::Buffer, u64),
    readback: &wgpu::Buffer,
    bytes: u64,
) -> Result<Vec<u32>, String> {
    let mut enc = device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
    if !passes.is_empty() {
        let mut cp = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: passes.first().map(|p| p.label),
            timestamp_writes: None,
        });
        for pass in passes {
            cp.set_pipeline(pass.pipeline);
            cp.set_bind_group(0, pass.bind, &[]);
            cp.dispatch_workgroups(pass.grid.0, pass.grid.1, 1);
        }
    }
    enc.copy_buffer_to_buffer(out.0, out.1, readback, 0, bytes);
    let submitted = queue.submit([enc.finish()]);
    let slice = readback.slice(..bytes);
    let mapped = MapFuture::default();
    let done = mapped.state.clone();
    slice.map_async(wgpu::MapMode::Read, move |r| MapFuture::complete(&done, r));
    #[cfg(not(target_arch = "wasm32"))]
    device
        .poll(wgpu::PollType::Wait {
            submission_index: Some(submitted),
            timeout: Some(WAIT_LIMIT),
        })
        .map_err(|e| e.to_string())?;
    #[cfg(target_arch = "wasm32")]
    let _ = submitted;
    mapped.await.map_err(|e| e.to_string())?;
    let words = {
        let view = slice.get_mapped_range().map_err(|e| e.to_string())?;
        view.chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    };
    readback.unmap();
    Ok(words)
}

pub(super) fn to_bytes(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

type MapResult = Result<(), wgpu::BufferAsyncError>;

#[derive(Default)]
pub(super) struct MapState {
    result: Option<MapResult>,
    waker: Option<Waker>,
}

/// Resolves when `map_async` calls back: at once natively (after the blocking poll), from
/// the browser's event loop on the web.
#[derive(Default)]
pub(super) struct MapFuture {
    pub(super) state: Arc<Mutex<MapState>>,
}

impl MapFuture {
    pub(super) fn complete(state: &Arc<Mutex<MapState>>, r: MapResult) {
        if let Ok(mut s) = state.lock() {
            s.result = Some(r);
            if let Some(w) = s.waker.take() {
                w.wake();
            }
        }
    }
}

impl Future for MapFuture {
    type Output = MapResult;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<MapResult> {
        let Ok(mut s) = self.state.lock() else {
            return Poll::Ready(Err(wgpu::BufferAsyncError));
        };
        match s.result.take() {
            Some(r) => Poll::Ready(r),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl std::fmt::Debug for GpuEvaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuEvaluator")
            .field("adapter", &self.adapter)
            .field("chunk", &self.chunk)
            .finish_non_exhaustive()
    }
}
