// The whole move neighbourhood of one `.ctt` timetable in one dispatch: for every lecture
// l and every period p2, one invocation computes the exact change of (hard, soft) cost of
// moving l to (p2, r2) for every room r2, from the timetable's counters, the same
// arithmetic as `IncrementalState::move_delta` (a scheduled lecture) and `peek_move` (an
// unscheduled one being placed). Integers only: the deltas are bit-exact with the CPU's.
//
// Two entry points share `period_part` and `room_part`:
// - `all_deltas` writes every move's (hard, soft) (the exactness tests compare them all);
// - `best` keeps, per workgroup, the best admissible move (not tabu, or tabu but better
//   than the best timetable seen: aspiration), ties broken by a seeded hash then the move
//   index, so the result is the same on every GPU and every run.
//
// The host (`src/gpu/neighbourhood.rs`) prepends the constants (sizes, buffer offsets,
// weights, WG) for its instance and `neighbourhood_common.wgsl`; `apply.wgsl`, dispatched
// after `best`, applies each walk's chosen move on the GPU, so a walk takes many steps
// per submission. `inst` is the instance (read once), `st` the timetables' counters
// (uploaded when a walk starts; from then on `apply` keeps them), one block of S_LEN
// words per walk.

override PERTURB: u32 = 0u;

@group(0) @binding(0) var<storage, read> inst: array<u32>;
@group(0) @binding(1) var<storage, read> st: array<u32>;
@group(0) @binding(2) var<storage, read> steps: array<Params>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;

// The walk this invocation works for: its step parameters and where its counters start.
var<private> pw: u32 = 0u;
var<private> sb: u32 = 0u;

fn bit(base: u32, i: u32) -> bool {
    return ((inst[base + i / 32u] >> (i % 32u)) & 1u) != 0u;
}

// Conflicting courses of c with a lecture at p: popcount(conf[c] & present[p]).
fn clashes(c: u32, p: u32) -> i32 {
    var n = 0u;
    for (var w = 0u; w < CW; w++) {
        n += countOneBits(inst[I_CONF + c * CW + w] & st[sb + S_PRES + p * CW + w]);
    }
    return i32(n);
}

fn has_lecture(c: u32, p: u32) -> bool {
    return ((st[sb + S_PRES + p * CW + c / 32u] >> (c % 32u)) & 1u) != 0u;
}

fn unav(c: u32, p: u32) -> i32 {
    return select(0, 1, bit(I_UNAV, c * NP + p));
}

// n(g, q), 0 outside the week, `ov` in place of n(g, oq).
fn cpl(g: u32, q: i32, oq: i32, ov: u32) -> u32 {
    if q < 0 || q >= i32(NP) {
        return 0u;
    }
    if q == oq {
        return ov;
    }
    return st[sb + S_CPL + g * NP + u32(q)];
}

// 1: the period opens its day, 2: it closes it.
fn edge(q: i32) -> u32 {
    let s = u32(q) % PPD;
    var e = 0u;
    if s == 0u {
        e |= 1u;
    }
    if s + 1u == PPD {
        e |= 2u;
    }
    return e;
}

fn iso(e: u32, prev: u32, next: u32) -> i32 {
    let i = ((e & 1u) != 0u && next == 0u) || ((e & 2u) != 0u && prev == 0u)
        || (next == 0u && prev == 0u);
    return select(0, 1, i);
}

// `IncrementalState::isolated_change`: the change in isolated lectures of curriculum g when
// n(g, p) goes up or down by one, n(g, oq) reading ov.
fn isolated_change(g: u32, p: i32, up: bool, oq: i32, ov: u32) -> i32 {
    let w0 = cpl(g, p - 2, oq, ov);
    let w1 = cpl(g, p - 1, oq, ov);
    let k = cpl(g, p, oq, ov);
    let w3 = cpl(g, p + 1, oq, ov);
    let w4 = cpl(g, p + 2, oq, ov);
    let iso_p = iso(edge(p), w1, w3);
    var d = select(-iso_p, iso_p, up);
    if (up && k == 0u) || (!up && k == 1u) {
        let before = select(1u, 0u, up);
        let after = select(0u, 1u, up);
        if p > 0 && w1 > 0u {
            let e = edge(p - 1);
            d += i32(w1) * (iso(e, w0, after) - iso(e, w0, before));
        }
        if p + 1 < i32(NP) && w3 > 0u {
            let e = edge(p + 1);
            d += i32(w3) * (iso(e, after, w4) - iso(e, before, w4));
        }
    }
    return d;
}

// The part of the move of lecture l (course c, now at p1, or unscheduled when p1 == NP) to
// period p2 that does not depend on the room: conflicts, availability, lectures,
// min working days, compactness. x = hard, y = soft. NONE in x when no move of l to p2 is
// allowed (the course already has a lecture there: the one-lecture-per-period invariant).
fn period_part(c: u32, p1: u32, p2: u32) -> vec2<i32> {
    if p1 != p2 && has_lecture(c, p2) {
        return vec2<i32>(NONE, 0);
    }
    var hard = 0;
    var soft = 0;
    let mwd = i32(inst[I_MWD + c]);
    let days = i32(st[sb + S_CDAYS + c]);
    let d2 = p2 / PPD;
    let gs = inst[I_CURS + c];
    let ge = inst[I_CURS + c + 1u];
    if p1 == NP {
        // Placing an unscheduled lecture (`add`).
        let n = i32(st[sb + S_CCOUNT + c]);
        let need = i32(inst[I_NEED + c]);
        hard += abs(n + 1 - need) - abs(n - need);
        hard += clashes(c, p2) + unav(c, p2);
        if st[sb + S_DC + c * ND + d2] == 0u {
            soft += (max(mwd - days - 1, 0) - max(mwd - days, 0)) * W_MWD;
        }
        var isol = 0;
        for (var k = gs; k < ge; k++) {
            isol += isolated_change(inst[I_CURL + k], i32(p2), true, -1, 0u);
        }
        soft += isol * W_CC;
        return vec2<i32>(hard, soft);
    }
    if p1 != p2 {
        hard += clashes(c, p2) - clashes(c, p1) + unav(c, p2) - unav(c, p1);
        let d1 = p1 / PPD;
        if d1 != d2 {
            let new_days = days - select(0, 1, st[sb + S_DC + c * ND + d1] == 1u)
                + select(0, 1, st[sb + S_DC + c * ND + d2] == 0u);
            soft += (max(mwd - new_days, 0) - max(mwd - days, 0)) * W_MWD;
        }
        var isol = 0;
        for (var k = gs; k < ge; k++) {
            let g = inst[I_CURL + k];
            isol += isolated_change(g, i32(p1), false, -1, 0u);
            let reduced = st[sb + S_CPL + g * NP + p1] - 1u;
            isol += isolated_change(g, i32(p2), true, i32(p1), reduced);
        }
        soft += isol * W_CC;
    }
    return vec2<i32>(hard, soft);
}

// The room-dependent rest: room occupancy, capacity, stability.
fn room_part(c: u32, p1: u32, r1: u32, p2: u32, r2: u32) -> vec2<i32> {
    let occupied = select(0, 1, st[sb + S_RC + p2 * NR + r2] >= 1u);
    var soft = i32(inst[I_EXCESS + c * NR + r2]) * W_CAP;
    let rooms = i32(st[sb + S_CROOMS + c]);
    if p1 == NP {
        if st[sb + S_RU + c * NR + r2] == 0u && rooms > 0 {
            soft += W_RS * i32(1u - PERTURB);
        }
        return vec2<i32>(occupied, soft);
    }
    let hard = occupied - select(0, 1, st[sb + S_RC + p1 * NR + r1] >= 2u);
    soft -= i32(inst[I_EXCESS + c * NR + r1]) * W_CAP;
    if r1 != r2 {
        let new_rooms = rooms - select(0, 1, st[sb + S_RU + c * NR + r1] == 1u)
            + select(0, 1, st[sb + S_RU + c * NR + r2] == 0u);
        soft += (max(new_rooms - 1, 0) - max(rooms - 1, 0)) * W_RS * i32(1u - PERTURB);
    }
    return vec2<i32>(hard, soft);
}

fn item_of(wid: vec3<u32>, lid: u32) -> u32 {
    return (wid.y * steps[0].gx + wid.x) * WG + lid;
}

// Every move's delta: out[2 * ((l * NP + p2) * NR + r2)] = hard, then soft; NONE in hard
// for a move the invariant forbids.
@compute @workgroup_size(WG)
fn all_deltas(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let i = item_of(wid, li);
    if i >= NL * NP {
        return;
    }
    let l = i / NP;
    let p2 = i % NP;
    let c = inst[I_LC + l];
    let pr = placement(l);
    let part = period_part(c, pr.x, p2);
    for (var r2 = 0u; r2 < NR; r2++) {
        let o = 2u * (i * NR + r2);
        if part.x == NONE {
            out[o] = bitcast<u32>(NONE);
            out[o + 1u] = 0u;
            continue;
        }
        var d = vec2<i32>(0, 0);
        if !(pr.x == p2 && pr.y == r2) {
            d = part + room_part(c, pr.x, pr.y, p2, r2);
        }
        out[o] = bitcast<u32>(d.x);
        out[o + 1u] = bitcast<u32>(d.y);
    }
}

// The best admissible move of each workgroup: out[4 * g ..] = hard delta, soft delta, tie
// hash, move index ((l * NP + p2) * NR + r2); hard NONE when the workgroup has none. Many
// walks share one dispatch: walk w's counters are st[w * S_LEN ..], its step parameters
// steps[w], its workgroups g in [w * gpw, (w + 1) * gpw): one dispatch scores a step of
// every walk, and `apply` (apply.wgsl) then makes it.
@compute @workgroup_size(WG)
fn best(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let gi = wid.y * steps[0].gx + wid.x;
    if gi >= steps[0].total {
        return;
    }
    pw = gi / steps[0].gpw;
    sb = pw * S_LEN;
    let i = (gi % steps[0].gpw) * WG + li;
    // Ties broken by a hash of the move under this step's seed.
    let ss = step_seed(steps[pw].seed, steps[pw].iter);
    var bh = NONE;
    var bs = 0;
    var bt = 0xffffffffu;
    var bm = 0xffffffffu;
    if i < NL * NP && steps[pw].live != 0u {
        let l = i / NP;
        let p2 = i % NP;
        let c = inst[I_LC + l];
        let pr = placement(l);
        let part = period_part(c, pr.x, p2);
        let tabu = st[sb + S_TABU + l * NP + p2] > steps[pw].iter;
        if part.x != NONE {
            for (var r2 = 0u; r2 < NR; r2++) {
                if pr.x == p2 && pr.y == r2 {
                    continue;
                }
                let d = part + room_part(c, pr.x, pr.y, p2, r2);
                let nh = steps[pw].cur_hard + d.x;
                let ns = steps[pw].cur_soft + d.y;
                let aspires = nh < steps[pw].best_hard
                    || (nh == steps[pw].best_hard && ns < steps[pw].best_soft);
                if tabu && !aspires {
                    continue;
                }
                let m = i * NR + r2;
                let t = mix32(m ^ ss);
                if better(d.x, d.y, t, m, bh, bs, bt, bm) {
                    bh = d.x;
                    bs = d.y;
                    bt = t;
                    bm = m;
                }
            }
        }
    }
    reduce_best(li, bh, bs, bt, bm);
    if li == 0u {
        out[4u * gi] = bitcast<u32>(kh[0]);
        out[4u * gi + 1u] = bitcast<u32>(ks[0]);
        out[4u * gi + 2u] = kt[0];
        out[4u * gi + 3u] = km[0];
    }
}
