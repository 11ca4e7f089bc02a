//! Without the `gpu` feature: the same names, no GPU. [`GpuEvaluator`] has no values, so
//! callers compile unchanged and every attempt to open one returns
//! [`super::GpuError::NotBuilt`].

use crate::eval::Breakdown;
use crate::model::{Instance, Timetable};

/// No GPU in this build: this type has no values.
#[derive(Debug)]
pub enum GpuEvaluator {}

impl GpuEvaluator {
    /// Never succeeds in this build.
    pub async fn new(_inst: &Instance, _max_batch: usize) -> Result<GpuEvaluator, super::GpuError> {
        Err(super::GpuError::NotBuilt)
    }

    pub fn adapter(&self) -> &str {
        match *self {}
    }

    pub fn chunk(&self) -> usize {
        match *self {}
    }

    pub fn cpu_fallbacks(&self) -> u64 {
        match *self {}
    }

    pub fn failure(&self) -> Option<String> {
        match *self {}
    }

    pub fn search_plan(&self) -> Option<&super::neighbourhood::Plan> {
        match *self {}
    }

    pub fn search_note(&self) -> &str {
        match *self {}
    }

    pub fn tabu_stats(&self) -> &super::neighbourhood::TabuStats {
        match *self {}
    }

    pub async fn enable_search(
        &mut self,
        _inst: &Instance,
        _memory_bytes: u64,
        _max_walks: u32,
    ) -> Result<&super::neighbourhood::Plan, super::GpuError> {
        match *self {}
    }

    pub async fn intensify_async(
        &mut self,
        _inst: &Instance,
        _tt: &Timetable,
        _steps: u32,
        _seed: u64,
        _stop: &dyn Fn(u32) -> bool,
    ) -> Option<(Timetable, crate::eval::Cost)> {
        match *self {}
    }

    pub fn calibrate_blocking(
        &mut self,
        _inst: &Instance,
        _max_batch: usize,
    ) -> super::Calibration {
        match *self {}
    }

    pub async fn evaluate_async(
        &mut self,
        _inst: &Instance,
        _batch: &[Timetable],
    ) -> Vec<Breakdown> {
        match *self {}
    }
}

impl crate::evolve::BatchEvaluator for GpuEvaluator {
    fn name(&self) -> String {
        match *self {}
    }

    fn evaluate(&mut self, _inst: &Instance, _batch: &[Timetable]) -> Vec<Breakdown> {
        match *self {}
    }
}
