<%doc>
What every SIMT kernel of a model shares: the arena's segments, the warm-up launch, the
kernel head, and finding a thread's merged-group member.
Context: ir, ranges (kind -> [KernelRange]), layout (codegen.simt constants), time_type, dt.
</%doc>\
<%namespace name="arena" file="/common/arena.mako"/>\
<%def name="layout_macros()">\
/* A launch with this timestep does nothing: drivers that compile a kernel for its launch
   configuration on first use (PoCL) do so in load(), not in the first simulated step. */
#define GENN_WARM_UP_STEP ${hex(layout.WARM_UP_STEP)}ul
/* An array's address: its arena segment (a kernel argument each; the backend builds with
   -DGENN_ARENA_SEGMENTS=n when the device caps a buffer below the model's size) in the top
   byte, and its byte offset in that segment. */
#ifndef GENN_ARENA_SEGMENTS
#define GENN_ARENA_SEGMENTS 1
#endif
#define GENN_SEGMENT(a) ((uint32_t)((a) >> ${layout.ARENA_SEGMENT_SHIFT}))
#define GENN_IN_SEGMENT(a) ((a) & ${hex((1 << layout.ARENA_SEGMENT_SHIFT) - 1)}ul)
#if GENN_ARENA_SEGMENTS == 1
#define GENN_SEGMENT_PARAMS
#define GENN_SEGMENT_ARGS
#define GENN_ADDR(a) (genn_arena + (a))
% for n in range(2, layout.MAX_ARENA_SEGMENTS + 1):
<%
    base = "genn_arena"
    for k in range(1, n):
        base = f"(GENN_SEGMENT(a) == {k}u ? genn_arena{k} : {base})"
%>#elif GENN_ARENA_SEGMENTS == ${n}
#define GENN_SEGMENT_PARAMS ${"".join(f", GENN_GLOBAL char* const genn_arena{k}" for k in range(1, n))}
#define GENN_SEGMENT_ARGS ${"".join(f", genn_arena{k}" for k in range(1, n))}
#define GENN_ADDR(a) (${base} + GENN_IN_SEGMENT(a))
% endfor
#else
#error "GENN_ARENA_SEGMENTS is out of range"
#endif
</%def>
<%doc> First thread of each member of a merged group (and the end of the last) per kernel. </%doc>\
<%def name="member_tables()">\
% for kind_ranges in ranges.values():
%   for r in kind_ranges:
%     if r.table:
GENN_CONSTANT uint32_t ${r.table}[${len(r.starts)}] = {${", ".join(f"{s}u" for s in r.starts)}};
%     endif
%   endfor
% endfor
</%def>
<%def name="kernel_head(name)">\
GENN_KERNEL ${name}(GENN_GLOBAL char* const genn_arena, const uint64_t genn_step_arg GENN_SEGMENT_PARAMS) {
    if (genn_step_arg == GENN_WARM_UP_STEP) {
        return;  /* uniform over the launch, so no barrier is left waiting */
    }
    /* the argument itself (OpenCL), or an offset from the arena's timestep base (CUDA: a graph
       of steps is captured once and relaunched after the host moves the base) */
    const uint64_t timestep = GENN_TIMESTEP(genn_step_arg);
    const uint32_t _gid = GENN_GLOBAL_ID;
    const ${time_type} t = (${time_type})timestep * (${time_type})${dt};
    (void)t;
</%def>
<%doc> Opens the branch of one merged group: finds the member and the member-local thread id. </%doc>\
<%def name="open_group(r, id_name='id')">\
    if (${f"_gid >= {r.begin}u && " if r.begin else ""}_gid < ${r.end}u) {
% if r.table:
        /* member: binary search of the program-scope table of first threads */
        uint32_t _g = 0u;
        {
            uint32_t _hi = ${len(r.starts) - 1}u;
            while (_hi - _g > 1u) {
                const uint32_t _mid = (_g + _hi) >> 1;
                if (_gid >= ${r.table}[_mid]) { _g = _mid; } else { _hi = _mid; }
            }
        }
        const uint32_t ${id_name} = _gid - ${r.table}[_g];
% else:
        const uint32_t _g = 0u;
        const uint32_t ${id_name} = _gid - ${r.begin}u;
% endif
        const GENN_GLOBAL struct ${r.group.struct_name}* const grp =
            ((const GENN_GLOBAL struct ${r.group.struct_name}*)GENN_TABLE(${r.group.table})) + _g;
${arena.pointers(r.group, 8)}\
</%def>
<%doc> Sorts ``n`` values of type ``ctype`` at ``row`` in place (insertion sort): rows and
columns that threads fill in any order end up as the C backend builds them. </%doc>\
<%def name="sort_in_place(row, ctype, n)">\
            for (uint32_t _i = 1u; _i < ${n}; _i++) {
                const ${ctype} _v = ${row}[_i];
                uint32_t _j = _i;
                while (_j > 0u && ${row}[_j - 1u] > _v) { ${row}[_j] = ${row}[_j - 1u]; _j--; }
                ${row}[_j] = _v;
            }
</%def>
<%doc> A thread per row appends its synapses to their columns (``overflow``: the statement run for
a synapse beyond ``col_stride``); then a thread per column sorts it by synapse index, so columns
are as the C backend builds them. </%doc>\
<%namespace name="syn" file="/common/synapse.mako"/>\
<%def name="append_columns(mg, overflow)">\
        if (id < ${mg.get("num_pre")}) {
            const uint32_t id_pre = id;
            for (uint32_t _j = 0u; _j < _a_rowLength[id_pre]; _j++) {
${syn.sparse_element(mg, "_j", 16)}\
                const uint32_t _c = genn_atomic_inc_u32(&_a_colLength[id_post]);
                if (_c < ${mg.get("col_stride")}) { _a_remap[id_post * ${mg.get("col_stride")} + _c] = id_syn; }
                else { ${overflow} }
            }
        }
</%def>
<%def name="sort_columns(mg)">\
        /* columns fill in any order: sort each by synapse index, as the C backend builds them */
        if (id < ${mg.get("num_post")}) {
            const uint32_t _n = min(_a_colLength[id], ${mg.get("col_stride")});
            _a_colLength[id] = _n;
            GENN_GLOBAL uint32_t* const _col = _a_remap + id * ${mg.get("col_stride")};
${sort_in_place("_col", "uint32_t", "_n")}\
        }
</%def>
