// What the two neighbourhood modules share (the host puts it between its constants and
// each module): a walk's step parameters, the move order, the hashes, reading a lecture's
// placement. `st`, `sb` and `steps` are declared by each module (read-only where the
// moves are scored, read-write where the chosen move is applied).

struct Params {
    // The tabu iteration: (l, p) is tabu while st[sb + S_TABU + l * NP + p] > iter.
    iter: u32,
    cur_hard: i32,
    cur_soft: i32,
    best_hard: i32,
    best_soft: i32,
    // The walk's stream: with `iter` it gives each step's tie-break hash and tenure.
    seed: u32,
    // Workgroups along x (the dispatch is 2-D when one dimension is not enough).
    gx: u32,
    // Workgroups per walk, and in all (walks × gpw): the grid's rest does nothing.
    gpw: u32,
    total: u32,
    // 0 once the walk has no admissible move: it rests for the rest of the submission.
    live: u32,
    // Steps the apply pass has logged for this walk in this submission.
    logged: u32,
    // Where the step log starts in the candidate buffer, in words (after every walk's
    // candidates; four storage buffers is all a WebGPU minimum adapter binds).
    trail_at: u32,
}

const NONE: i32 = 2147483647;

// A 32-bit integer hash (the host's `mix32` is the same function).
fn mix32(x: u32) -> u32 {
    var h = x;
    h ^= h >> 16u;
    h *= 0x7feb352du;
    h ^= h >> 15u;
    h *= 0x846ca68bu;
    h ^= h >> 16u;
    return h;
}

// The seed of step `iter` of the walk with stream `seed`: ties among equal moves are
// broken by a hash of the move under it, so each step breaks them differently.
fn step_seed(seed: u32, iter: u32) -> u32 {
    return mix32(seed ^ (iter * 0x9e3779b9u));
}

// (h, s, t, m) strictly before (h2, s2, t2, m2).
fn better(h: i32, s: i32, t: u32, m: u32, h2: i32, s2: i32, t2: u32, m2: u32) -> bool {
    if h != h2 {
        return h < h2;
    }
    if s != s2 {
        return s < s2;
    }
    if t != t2 {
        return t < t2;
    }
    return m < m2;
}

// Lecture l's period and room (p1 = NP when unscheduled).
fn placement(l: u32) -> vec2<u32> {
    let s = st[sb + S_SLOT + l];
    if s == 0xffffffffu {
        return vec2<u32>(NP, 0u);
    }
    return vec2<u32>(s >> 16u, s & 0xffffu);
}

// The workgroup's best (hard, soft, tie, move) after `reduce_best`: in kh[0], ks[0], kt[0],
// km[0].
var<workgroup> kh: array<i32, WG>;
var<workgroup> ks: array<i32, WG>;
var<workgroup> kt: array<u32, WG>;
var<workgroup> km: array<u32, WG>;

// Every lane offers its best (h, s, t, m); a tree reduction leaves the workgroup's best in
// kh[0] .. km[0] (`better` order). Every lane must call it (it holds barriers).
fn reduce_best(li: u32, h: i32, s: i32, t: u32, m: u32) {
    kh[li] = h;
    ks[li] = s;
    kt[li] = t;
    km[li] = m;
    workgroupBarrier();
    for (var half = WG / 2u; half > 0u; half /= 2u) {
        if li < half {
            let o = li + half;
            if better(kh[o], ks[o], kt[o], km[o], kh[li], ks[li], kt[li], km[li]) {
                kh[li] = kh[o];
                ks[li] = ks[o];
                kt[li] = kt[o];
                km[li] = km[o];
            }
        }
        workgroupBarrier();
    }
}
