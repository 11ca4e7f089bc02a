// The full score of a batch of timetables, exactly as `atoll::eval::score` computes it
// (docs/RULES.md): 5 hard violation counts and 7 weighted soft costs per timetable, in
// `Breakdown::components` order. Integer arithmetic only, so every component equals the
// CPU's to the last unit. A lecture of duration d occupies d consecutive periods of its day
// (clipped at the day's end); the campus rules (placement, teacher preferences, daily
// maxima, changes) are compiled in only when the host sets CAMPUS (a `.ctt` instance runs
// the UD2 shader it always ran).
//
// No u32 here can wrap: every term is non-negative, so each component and each partial
// sum (per lane, then the workgroup's atomics) is at most its total, and `Instance::new`
// refuses any instance whose worst-case hard or soft total, with its real weights, passes
// u32::MAX (`check_cost_bounds` in src/model/instance.rs; tests/hardening.rs holds it).
//
// Not a complete module on its own: the host (src/gpu/pack.rs) prepends the instance's
// sizes, the offsets into the packed instance buffer and the scratch layout as `const`s
// (NC, NP, PPD, DAYS, NR, NL, CW, RW, WG, CAMPUS, HAS_REF, NLIM, OFF_*, S_*, SCRATCH, W_*),
// so every loop bound is a compile-time constant.
//
// One workgroup scores one timetable. Its lanes stride over lectures and courses, build
// bit sets of "course c at period p", "room r at period p", "curriculum g at period p"
// and "course c in room r" in workgroup memory, and sum their components with workgroup
// atomics. No lane loops more than a few hundred times on the shared instances (Mesa's
// llvmpipe/lavapipe silently truncates an invocation past ~65k loop iterations; the host
// refuses an instance whose bound would pass its limit).
//
// A timetable with a lecture outside the instance's grid, or with two lectures of one
// course occupying one period (never produced by the solver; possible in a file), sets the
// flag word: the host scores that timetable on the CPU instead, so the result stays exact.

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
// Output words per timetable: the 12 components in `Breakdown` order, then the flag.
const OUT_STRIDE: u32 = 13u;
const NO_PIN: u32 = 0xffffffffu;
const ANY: u32 = 0xffffu;

var<workgroup> scratch: array<atomic<u32>, SCRATCH>;
var<workgroup> sums: array<atomic<u32>, 13>;

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
    var placement = 0u;
    var preference = 0u;
    var daily = 0u;
    var changes = 0u;
    var flag = 0u;

    // Pass 1, per lecture and occupied period: the bit sets; availability, room occupancy
    // (one per occupancy that finds its room and period already taken: k - 1 per cell of
    // k), closed rooms and teacher preferences; per lecture: capacity, the other placement
    // rules and the daily counters.
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
        let day_end = (p / PPD + 1u) * PPD;
        let end = min(p + inst[OFF_DUR + c], day_end);
        let g_end = inst[OFF_CURS + c + 1u];
        for (var q = p; q < end; q += 1u) {
            if (set_bit(S_PC + q * CW, c)) {
                flag = 1u;
            }
            if (set_bit(S_RP, q * NR + r)) {
                occupancy += 1u;
            }
            if (inst_bit(OFF_UNAV, c * NP + q)) {
                availability += 1u;
            }
            for (var k = inst[OFF_CURS + c]; k < g_end; k += 1u) {
                _ = set_bit(S_GP, inst[OFF_CURL + k] * NP + q);
            }
            if (CAMPUS != 0u) {
                if (inst_bit(OFF_CLOSED, r * NP + q)) {
                    placement += 1u;
                }
                preference += inst[OFF_DISP + c * NP + q] * W_TP;
            }
        }
        _ = set_bit(S_CR + c * RW, r);
        capacity += inst[OFF_EXCESS + c * NR + r] * W_CAP;
        if (CAMPUS != 0u) {
            if (!inst_bit(OFF_SUIT, c * NR + r)) {
                placement += 1u;
            }
            if (p + inst[OFF_DUR + c] > day_end) {
                placement += 1u;
            }
            let pin = inst[OFF_PIN + l];
            if (pin != NO_PIN) {
                let pp = pin >> 16u;
                let pr = pin & 0xffffu;
                if ((pp != ANY && pp != p) || (pr != ANY && pr != r)) {
                    placement += 1u;
                }
            }
            let day = p / PPD;
            let k_end = inst[OFF_LIMS + c + 1u];
            for (var k = inst[OFF_LIMS + c]; k < k_end; k += 1u) {
                atomicAdd(&scratch[S_DL + inst[OFF_LIML + k] * DAYS + day], 1u);
            }
        }
    }
    workgroupBarrier();

    // Pass 2, per lecture and occupied period: conflicts with every conflicting course of
    // a higher index occupying the same period (each pair once), and curriculum
    // compactness (W_CC per lecture of a curriculum at an isolated period, as
    // `eval::score::is_isolated` decides).
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
        let end = min(p + inst[OFF_DUR + c], (p / PPD + 1u) * PPD);
        let w0 = c >> 5u;
        let g_end = inst[OFF_CURS + c + 1u];
        for (var q = p; q < end; q += 1u) {
            for (var w = w0; w < CW; w += 1u) {
                var m = inst[OFF_CONF + c * CW + w] & atomicLoad(&scratch[S_PC + q * CW + w]);
                if (w == w0) {
                    m = m & above(c & 31u);
                }
                conflicts += countOneBits(m);
            }
            let slot = q % PPD;
            for (var k = inst[OFF_CURS + c]; k < g_end; k += 1u) {
                let row = inst[OFF_CURL + k] * NP;
                let next = q + 1u < NP && get_bit(S_GP, row + q + 1u);
                let prev = q > 0u && get_bit(S_GP, row + q - 1u);
                if ((slot == 0u && !next) || (slot == PPD - 1u && !prev) || (!next && !prev)) {
                    compactness += W_CC;
                }
            }
        }
    }

    // Pass 3, per course: missing lectures, minimum working days (a lecture occupies only
    // its own day, so a day with an occupied period is a day with a start), room stability,
    // changes.
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
        // Changes: min(placed, reference) minus the multiset match of the two slot lists.
        if (HAS_REF != 0u) {
            let r0 = inst[OFF_REFS + c];
            let r1 = inst[OFF_REFS + c + 1u];
            var matched = 0u;
            for (var i = first; i < last; i += 1u) {
                let s = batch[base + i];
                if (s == UNSCHEDULED) {
                    continue;
                }
                // Count each distinct slot once, at its first lecture.
                var seen = false;
                var here = 1u;
                for (var j = first; j < last; j += 1u) {
                    if (batch[base + j] == s) {
                        if (j < i) {
                            seen = true;
                        } else if (j > i) {
                            here += 1u;
                        }
                    }
                }
                if (seen) {
                    continue;
                }
                var refs = 0u;
                for (var k = r0; k < r1; k += 1u) {
                    if (inst[OFF_REFL + k] == s) {
                        refs += 1u;
                    }
                }
                matched += min(here, refs);
            }
            changes += (min(placed, r1 - r0) - matched) * W_CH;
        }
    }

    // Pass 4, per (daily maximum, day): lectures starting that day beyond the maximum.
    if (CAMPUS != 0u) {
        for (var i = lid; i < NLIM * DAYS; i += WG) {
            let n = atomicLoad(&scratch[S_DL + i]);
            let most = inst[OFF_LIMMAX + i / DAYS];
            if (n > most) {
                daily += (n - most) * W_DL;
            }
        }
    }

    if (lectures != 0u) { atomicAdd(&sums[0], lectures); }
    if (conflicts != 0u) { atomicAdd(&sums[1], conflicts); }
    if (availability != 0u) { atomicAdd(&sums[2], availability); }
    if (occupancy != 0u) { atomicAdd(&sums[3], occupancy); }
    if (placement != 0u) { atomicAdd(&sums[4], placement); }
    if (capacity != 0u) { atomicAdd(&sums[5], capacity); }
    if (min_days != 0u) { atomicAdd(&sums[6], min_days); }
    if (compactness != 0u) { atomicAdd(&sums[7], compactness); }
    if (stability != 0u) { atomicAdd(&sums[8], stability); }
    if (preference != 0u) { atomicAdd(&sums[9], preference); }
    if (daily != 0u) { atomicAdd(&sums[10], daily); }
    if (changes != 0u) { atomicAdd(&sums[11], changes); }
    if (flag != 0u) { atomicOr(&sums[12], 1u); }
    workgroupBarrier();
    if (lid < OUT_STRIDE) {
        results[t * OUT_STRIDE + lid] = atomicLoad(&sums[lid]);
    }
}
