// The second pass of a GPU search step: for each walk (one workgroup each), the best of
// its workgroups' candidates (`best` in neighbourhood.wgsl wrote them), applied to the
// walk's counters on the GPU, the lecture's old period made tabu, the step parameters
// moved on (iteration, current and best cost), and the move logged. A submission holds
// many (best, apply) pairs, so a walk takes many steps per round trip to the host; the
// host replays the log on the CPU's exact incremental state, which checks every delta.
//
// The selection and the counter updates are those of the host's `TabuWalk` replay and
// `Counters::apply` (src/gpu/neighbourhood/): the host's mirror of the counters equals
// these words after every submission (a test compares them).

override PERTURB: u32 = 0u;

@group(0) @binding(0) var<storage, read> inst: array<u32>;
@group(0) @binding(1) var<storage, read_write> st: array<u32>;
@group(0) @binding(2) var<storage, read_write> steps: array<Params>;
// The candidates `best` wrote (four words per workgroup), then from word
// steps[0].trail_at the step log: three words per walk and step, move index, hard delta,
// soft delta (index 0xffffffff and hard NONE once the walk had no admissible move); walk
// w's step j at trail_at + 3 * (w * CHUNK + j).
@group(0) @binding(3) var<storage, read_write> cand: array<u32>;

var<private> sb: u32 = 0u;

// Adds one to (or takes one from) counter word i; returns its new value.
fn bump(i: u32, up: bool) -> u32 {
    let v = select(st[i] - 1u, st[i] + 1u, up);
    st[i] = v;
    return v;
}

// Adds (`up`) or removes lecture l of course c at (p, r): `Counters::place`.
fn place(l: u32, c: u32, p: u32, r: u32, up: bool) {
    st[sb + S_SLOT + l] = select(0xffffffffu, (p << 16u) | r, up);
    st[sb + S_PRES + p * CW + c / 32u] ^= 1u << (c % 32u);
    bump(sb + S_RC + p * NR + r, up);
    bump(sb + S_CCOUNT + c, up);
    let dc = bump(sb + S_DC + c * ND + p / PPD, up);
    if (up && dc == 1u) || (!up && dc == 0u) {
        bump(sb + S_CDAYS + c, up);
    }
    // PERTURB = 1 (tests only) forgets the rooms a course uses: later deltas go wrong.
    if PERTURB == 0u {
        let ru = bump(sb + S_RU + c * NR + r, up);
        if (up && ru == 1u) || (!up && ru == 0u) {
            bump(sb + S_CROOMS + c, up);
        }
    }
    for (var k = inst[I_CURS + c]; k < inst[I_CURS + c + 1u]; k++) {
        bump(sb + S_CPL + inst[I_CURL + k] * NP + p, up);
    }
}

// Steps the move of l out of period p stays tabu after step `iter`: `tenure` of the host.
fn tenure(seed: u32, iter: u32) -> u32 {
    return TENURE + mix32(seed ^ mix32(iter ^ 0x68e31da4u)) % TENURE;
}

@compute @workgroup_size(WG)
fn apply(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let w = wid.x;
    var bh = NONE;
    var bs = 0;
    var bt = 0xffffffffu;
    var bm = 0xffffffffu;
    // GPW (workgroups per walk) is a constant, so the loop is uniform and the barrier
    // after it valid.
    for (var g0 = 0u; g0 < GPW; g0 += WG) {
        let g = g0 + li;
        let o = 4u * (w * GPW + g);
        if g < GPW && better(bitcast<i32>(cand[o]), bitcast<i32>(cand[o + 1u]), cand[o + 2u],
            cand[o + 3u], bh, bs, bt, bm) {
            bh = bitcast<i32>(cand[o]);
            bs = bitcast<i32>(cand[o + 1u]);
            bt = cand[o + 2u];
            bm = cand[o + 3u];
        }
    }
    reduce_best(li, bh, bs, bt, bm);
    if li != 0u {
        return;
    }
    let j = steps[w].logged;
    steps[w].logged = j + 1u;
    let lo = steps[0].trail_at + 3u * (w * CHUNK + j);
    if steps[w].live == 0u || kh[0] == NONE {
        steps[w].live = 0u;
        cand[lo] = 0xffffffffu;
        cand[lo + 1u] = bitcast<u32>(NONE);
        cand[lo + 2u] = 0u;
        return;
    }
    let m = km[0];
    let r2 = m % NR;
    let l = m / NR / NP;
    let p2 = (m / NR) % NP;
    sb = w * S_LEN;
    let c = inst[I_LC + l];
    let pr = placement(l);
    let iter = steps[w].iter;
    if pr.x != NP {
        place(l, c, pr.x, pr.y, false);
        st[sb + S_TABU + l * NP + pr.x] = iter + tenure(steps[w].seed, iter);
    }
    place(l, c, p2, r2, true);
    steps[w].iter = iter + 1u;
    let nh = steps[w].cur_hard + kh[0];
    let ns = steps[w].cur_soft + ks[0];
    steps[w].cur_hard = nh;
    steps[w].cur_soft = ns;
    if nh < steps[w].best_hard || (nh == steps[w].best_hard && ns < steps[w].best_soft) {
        steps[w].best_hard = nh;
        steps[w].best_soft = ns;
    }
    cand[lo] = m;
    cand[lo + 1u] = bitcast<u32>(kh[0]);
    cand[lo + 2u] = bitcast<u32>(ks[0]);
}
