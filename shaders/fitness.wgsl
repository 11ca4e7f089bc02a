// The full UD2 score of a batch of timetables, exactly as `atoll::eval::score` computes it:
// 4 hard violation counts and 4 weighted soft costs per timetable. Integer arithmetic only,
// so every component equals the CPU's to the last unit.
//
// Not a complete module on its own: the host (src/gpu/pack.rs) prepends the instance's
// sizes, the offsets into the packed instance buffer and the scratch layout as `const`s
// (NC, NP, PPD, DAYS, NR, NL, CW, RW, WG, OFF_*, S_*, SCRATCH, W_*), so every loop bound
// is a compile-time constant.
//
// One workgroup scores one timetable. Its lanes stride over lectures and courses, build
// bit sets of "course c at period p", "room r at period p", "curriculum g at period p"
// and "course c in room r" in workgroup memory, and sum their components with workgroup
// atomics. No lane loops more than a few hundred times on the shared instances (Mesa's
// llvmpipe/lavapipe silently truncates an invocation past ~65k loop iterations; the host
// refuses an instance whose bound would pass its limit).
//
// A timetable with a lecture outside the instance's grid, or with two lectures of one
// course in one period (never produced by the solver; possible in a file), sets the flag
// word: the host scores that timetable on the CPU instead, so the result stays exact.

struct Params {
    // Timetables in this dispatch.
    count: u32,
    // Workgroups per row of the 2-D dispatch (a dimension holds at most 65,535).
    groups_x: u32,
    pad0: u32,
    pad1: u32,
}

@group(0) @binding(0) var<storage, read> inst: array<u32>;
@group(0) @binding(1) var<storage, read> batch: array<u32>;
@group(0) @binding(2) var<storage, read_write> results: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

const UNSCHEDULED: u32 = 0xffffffffu;
// Output words per timetable: the 8 components in `Breakdown` order, then the flag.
const OUT_STRIDE: u32 = 9u;

var<workgroup> scratch: array<atomic<u32>, SCRATCH>;
var<workgroup> sums: array<atomic<u32>, 9>;

// Sets bit `bit` of the bit set starting at scratch word `base`; true if it was set before.
fn set_bit(base: u32, bit: u32) -> bool {
    let m = 1u << (bit & 31u);
    let old = atomicOr(&scratch[base + (bit >> 5u)], m);
    return (old & m) != 0u;
}

fn get_bit(base: u32, bit: u32) -> bool {
    return (atomicLoad(&scratch[base + (bit >> 5u)]) & (1u << (bit & 31u))) != 0u;
}

fn inst_bit(base: u32, bit: u32) -> bool {
    return (inst[base + (bit >> 5u)] & (1u << (bit & 31u))) != 0u;
}

// The bits of a word strictly above bit `b` (0..=31).
fn above(b: u32) -> u32 {
    if (b == 31u) {
        return 0u;
    }
    return 0xffffffffu << (b + 1u);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let t = wid.y * params.groups_x + wid.x;
    if (t >= params.count) {
        return;
    }
    let base = t * NL;

    for (var i = lid; i < SCRATCH; i += WG) {
        atomicStore(&scratch[i], 0u);
    }
    if (lid < OUT_STRIDE) {
        atomicStore(&sums[lid], 0u);
    }
    workgroupBarrier();

    var lectures = 0u;
    var conflicts = 0u;
    var availability = 0u;
    var occupancy = 0u;
    var capacity = 0u;
    var min_days = 0u;
    var compactness = 0u;
    var stability = 0u;
    var flag = 0u;

    // Pass 1, per lecture: the bit sets; availability, room occupancy (one per lecture
    // that finds its room and period already taken: k - 1 per cell of k) and capacity.
    for (var l = lid; l < NL; l += WG) {
        let s = batch[base + l];
        if (s == UNSCHEDULED) {
            continue;
        }
        let p = s >> 16u;
        let r = s & 0xffffu;
        if (p >= NP || r >= NR) {
            flag = 1u;
            continue;
        }
        let c = inst[OFF_LC + l];
        if (set_bit(S_PC + p * CW, c)) {
            flag = 1u;
        }
        if (set_bit(S_RP, p * NR + r)) {
            occupancy += 1u;
        }
        _ = set_bit(S_CR + c * RW, r);
        if (inst_bit(OFF_UNAV, c * NP + p)) {
            availability += 1u;
        }
        capacity += inst[OFF_EXCESS + c * NR + r] * W_CAP;
        let g_end = inst[OFF_CURS + c + 1u];
        for (var k = inst[OFF_CURS + c]; k < g_end; k += 1u) {
            _ = set_bit(S_GP, inst[OFF_CURL + k] * NP + p);
        }
    }
    workgroupBarrier();

    // Pass 2, per lecture: conflicts with every conflicting course of a higher index in
    // the same period (each pair once), and curriculum compactness (2 per lecture of a
    // curriculum at an isolated period, as `eval::score::is_isolated` decides).
    for (var l = lid; l < NL; l += WG) {
        let s = batch[base + l];
        if (s == UNSCHEDULED) {
            continue;
        }
        let p = s >> 16u;
        let r = s & 0xffffu;
        if (p >= NP || r >= NR) {
            continue;
        }
        let c = inst[OFF_LC + l];
        let w0 = c >> 5u;
        for (var w = w0; w < CW; w += 1u) {
            var m = inst[OFF_CONF + c * CW + w] & atomicLoad(&scratch[S_PC + p * CW + w]);
            if (w == w0) {
                m = m & above(c & 31u);
            }
            conflicts += countOneBits(m);
        }
        let slot = p % PPD;
        let g_end = inst[OFF_CURS + c + 1u];
        for (var k = inst[OFF_CURS + c]; k < g_end; k += 1u) {
            let row = inst[OFF_CURL + k] * NP;
            let next = p + 1u < NP && get_bit(S_GP, row + p + 1u);
            let prev = p > 0u && get_bit(S_GP, row + p - 1u);
            if ((slot == 0u && !next) || (slot == PPD - 1u && !prev) || (!next && !prev)) {
                compactness += W_CC;
            }
        }
    }

    // Pass 3, per course: missing lectures, minimum working days, room stability.
    for (var c = lid; c < NC; c += WG) {
        let first = inst[OFF_FIRST + c];
        let last = inst[OFF_FIRST + c + 1u];
        var placed = 0u;
        for (var l = first; l < last; l += 1u) {
            if (batch[base + l] != UNSCHEDULED) {
                placed += 1u;
            }
        }
        lectures += (last - first) - placed;
        var days = 0u;
        for (var d = 0u; d < DAYS; d += 1u) {
            for (var q = 0u; q < PPD; q += 1u) {
                if (get_bit(S_PC + (d * PPD + q) * CW, c)) {
                    days += 1u;
                    break;
                }
            }
        }
        let min_wd = inst[OFF_MWD + c];
        if (days < min_wd) {
            min_days += (min_wd - days) * W_MWD;
        }
        var rooms = 0u;
        for (var w = 0u; w < RW; w += 1u) {
            rooms += countOneBits(atomicLoad(&scratch[S_CR + c * RW + w]));
        }
        if (rooms > 1u) {
            stability += (rooms - 1u) * W_RS;
        }
    }

    if (lectures != 0u) { atomicAdd(&sums[0], lectures); }
    if (conflicts != 0u) { atomicAdd(&sums[1], conflicts); }
    if (availability != 0u) { atomicAdd(&sums[2], availability); }
    if (occupancy != 0u) { atomicAdd(&sums[3], occupancy); }
    if (capacity != 0u) { atomicAdd(&sums[4], capacity); }
    if (min_days != 0u) { atomicAdd(&sums[5], min_days); }
    if (compactness != 0u) { atomicAdd(&sums[6], compactness); }
    if (stability != 0u) { atomicAdd(&sums[7], stability); }
    if (flag != 0u) { atomicOr(&sums[8], 1u); }
    workgroupBarrier();
    if (lid < OUT_STRIDE) {
        results[t * OUT_STRIDE + lid] = atomicLoad(&sums[lid]);
    }
}
