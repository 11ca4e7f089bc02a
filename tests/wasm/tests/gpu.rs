//! The GPU evaluator in a real browser: WebGPU in headless Chromium (SwiftShader, with
//! `--enable-unsafe-webgpu` from ../webdriver.json), in a dedicated worker, with the
//! threaded build. GPU scores must equal `atoll::score` exactly on comp01 and on comp07
//! (the largest instance: most lectures, most courses x periods), and a solve driven
//! through `gpuInit` / `solveBreed` / `GpuScorer.score` / `solveSelect` must give the
//! same timetable as the CPU solve. Without any WebGPU adapter the tests say so and pass.
#![cfg(target_arch = "wasm32")]

use atoll::evolve::operators::mutate;
use atoll::gpu::{GpuError, GpuEvaluator};
use atoll::model::Timetable;
use atoll::parallel::random_timetable;
use atoll::web::Session;
use atoll::{parse_instance, score};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use serde_json::{Value, json};
use wasm_bindgen::{JsCast, JsValue};

/// CI builds these tests with `ATOLL_REQUIRE_GPU=1` (Chromium exposes SwiftShader's WebGPU
/// there): a missing adapter then fails instead of skipping. Read at build time, since a
/// test in the browser has no environment.
const GPU_REQUIRED: bool = match option_env!("ATOLL_REQUIRE_GPU") {
    Some(v) => !v.is_empty() && !(v.len() == 1 && v.as_bytes()[0] == b'0'),
    None => false,
};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const COMP01: &str = include_str!("../../../www/samples/comp01.ctt");
const COMP07: &str = include_str!("../../../www/samples/comp07.ctt");

/// The rayon pool, once, before any rayon call (see tests/web.rs).
async fn pool() {
    #[cfg(feature = "wasm-threads")]
    {
        use std::sync::atomic::{AtomicBool, Ordering};
        static STARTED: AtomicBool = AtomicBool::new(false);
        if !STARTED.swap(true, Ordering::SeqCst) {
            JsFuture::from(atoll::init_thread_pool(2))
                .await
                .expect("initThreadPool");
        }
    }
}

async fn gpu_equals_cpu(text: &str, file: &str) {
    pool().await;
    let inst = parse_instance(text.as_bytes(), file).unwrap();
    let mut gpu = match GpuEvaluator::new(&inst, 32).await {
        Ok(g) => g,
        Err(GpuError::NoAdapter(e)) => {
            if GPU_REQUIRED {
                panic!(
                    "ATOLL_REQUIRE_GPU was set at build time but no WebGPU adapter was found: {e}"
                );
            }
            console_log!("SKIPPED: no WebGPU adapter ({e})");
            return;
        }
        Err(e) => panic!("{file}: the GPU evaluator could not start: {e}"),
    };
    console_log!("{file} on {}", gpu.adapter());
    let mut rng = SmallRng::seed_from_u64(5);
    let batch: Vec<Timetable> = (0..48)
        .map(|i| {
            let mut t = random_timetable(&inst, i);
            if i % 2 == 1 {
                mutate(&inst, &mut t, 20, &mut rng);
            }
            t
        })
        .collect();
    // 48 timetables in buffers for 32: two dispatches, two asynchronous readbacks.
    let got = gpu.evaluate_async(&inst, &batch).await;
    assert_eq!(got.len(), batch.len());
    for (i, (g, t)) in got.iter().zip(&batch).enumerate() {
        assert_eq!(*g, score(&inst, t), "{file}: timetable {i}: gpu != cpu");
    }
    assert!(
        got.iter().any(|b| b.hard() > 0),
        "infeasible timetables included"
    );
    assert!(gpu.failure().is_none());
    assert_eq!(gpu.cpu_fallbacks(), 0);
}

#[wasm_bindgen_test]
async fn gpu_equals_cpu_on_comp01() {
    gpu_equals_cpu(COMP01, "comp01.ctt").await;
}

#[wasm_bindgen_test]
async fn gpu_equals_cpu_on_comp07() {
    gpu_equals_cpu(COMP07, "comp07.ctt").await;
}

fn json(v: JsValue) -> Value {
    serde_wasm_bindgen::from_value(v).expect("plain JSON-like data")
}

fn options(evaluator: &str) -> JsValue {
    js_sys::JSON::parse(&format!(
        r#"{{"time_limit": null, "max_generations": 3, "islands": 2, "seed": 9, "stage3": false, "evaluator": "{evaluator}"}}"#
    ))
    .unwrap()
}

/// A solve scored through the page's GPU path equals the CPU solve.
#[wasm_bindgen_test]
async fn a_solve_through_gpu_init_equals_the_cpu_solve() {
    pool().await;
    let mut s = Session::new(COMP01, "comp01.ctt").unwrap();
    s.solve_start(options("gpu")).unwrap();
    let chosen = JsFuture::from(s.gpu_init(options("gpu")).unwrap())
        .await
        .unwrap();
    let info = json(js_sys::Reflect::get(&chosen, &"info".into()).unwrap());
    assert_eq!(info["requested"], json!("gpu"));
    let scorer = js_sys::Reflect::get(&chosen, &"scorer".into()).unwrap();
    if scorer.is_undefined() {
        assert_eq!(info["gpu"], json!(false));
        if GPU_REQUIRED {
            panic!(
                "ATOLL_REQUIRE_GPU was set at build time but the CPU was chosen: {}",
                info["reason"]
            );
        }
        console_log!("SKIPPED: the CPU was chosen: {}", info["reason"]);
        return;
    }
    assert_eq!(info["gpu"], json!(true));
    let score_fn: js_sys::Function = js_sys::Reflect::get(&scorer, &"score".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let name = js_sys::Reflect::get(&scorer, &"name".into()).unwrap();
    s.solve_use_evaluator(&name.as_string().unwrap()).unwrap();
    let mut last = Value::Null;
    // The worker's protocol: breed → score on the GPU → select; when there is no batch to
    // score, a plain step (which ends the run once it is over).
    while last["finished"].is_null() {
        last = match s.solve_breed().unwrap() {
            Some(batch) => {
                let arr = js_sys::Uint32Array::from(&batch[..]);
                let promise: js_sys::Promise =
                    score_fn.call1(&scorer, &arr).unwrap().dyn_into().unwrap();
                let scores: js_sys::Uint32Array =
                    JsFuture::from(promise).await.unwrap().dyn_into().unwrap();
                assert_eq!(
                    scores.length() as usize,
                    batch.len() / 160 * atoll::eval::Breakdown::COMPONENTS
                );
                json(s.solve_select(scores.to_vec()).unwrap())
            }
            None => json(s.solve_step(0.0).unwrap()),
        };
    }
    assert_eq!(last["finished"], json!("generations"));
    assert!(last["evaluator"].as_str().unwrap().starts_with("gpu "));
    let on_gpu = json(s.solve_finish().unwrap());
    assert!(
        on_gpu["stats"]["evaluator"]
            .as_str()
            .unwrap()
            .starts_with("gpu ")
    );

    let mut c = Session::new(COMP01, "comp01.ctt").unwrap();
    c.solve_start(options("cpu")).unwrap();
    while json(c.solve_step(50.0).unwrap())["finished"].is_null() {}
    let on_cpu = json(c.solve_finish().unwrap());
    assert_eq!(on_gpu["solution"], on_cpu["solution"]);
}

/// `"cpu"` never touches the GPU and says so.
#[wasm_bindgen_test]
async fn gpu_init_with_cpu_chooses_the_cpu() {
    pool().await;
    let s = Session::new(COMP01, "comp01.ctt").unwrap();
    let chosen = JsFuture::from(s.gpu_init(options("cpu")).unwrap())
        .await
        .unwrap();
    let info = json(js_sys::Reflect::get(&chosen, &"info".into()).unwrap());
    assert_eq!(info["gpu"], json!(false));
    assert_eq!(info["reason"], json!("asked for the CPU"));
    assert!(
        js_sys::Reflect::get(&chosen, &"scorer".into())
            .unwrap()
            .is_undefined()
    );
}
