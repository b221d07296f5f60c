<%doc>
SIMT kernels shared by the OpenCL and CUDA backends.  The API-specific preamble
defines GENN_KERNEL, GENN_GLOBAL, GENN_LOCAL, GENN_GLOBAL_ID, GENN_LOCAL_ID,
GENN_BARRIER() and the atomics genn_atomic_add_f/_d, genn_atomic_inc_u32 and
genn_atomic_or_local_u32.
Context: ir, ranges (kind -> [KernelRange]), block_size, time_type, dt, unroll_hint (the
dialect's, for short loops with literal bounds), neurons_per_thread
(1: a thread per neuron, spike recording words built in local memory between barriers;
32: each thread loops over 32 consecutive neurons and writes their recording word itself,
with no barrier and no local memory; for CPU devices, where work-groups and barriers are
costly and memory coalescing does not matter).
</%doc>
<%!
from pygenn_cl.codegen.transpiler.printer import add_unroll_hints
from pygenn_cl.codegen.simt import ARENA_SEGMENT_SHIFT, MAX_ARENA_SEGMENTS, WARM_UP_STEP
%>\
<%def name="block(text, indent)">\
% for line in add_unroll_hints(text, unroll_hint).splitlines():
${" " * indent}${line}
% endfor
</%def>
<%def name="pointers(mg, indent)">\
% for key, ctype in mg.arrays.items():
${" " * indent}GENN_GLOBAL ${ctype.name}* const _a_${key} = (GENN_GLOBAL ${ctype.name}*)GENN_ADDR(grp->${key});
% endfor
</%def>
<%doc> Opens the branch of one merged group: finds the member and the member-local thread id. </%doc>
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
${pointers(r.group, 8)}\
</%def>
<%doc> Propagation of one queue (spikes or spike-like events) of a synapse group. </%doc>
<%def name="propagate(mg, strategy, cnt, spk, body)">\
        {
        const uint32_t _numSpikes = _a_${cnt}[_slot];
        const GENN_GLOBAL uint32_t* const _spikes = _a_${spk} + _slot * ${mg.get("num_pre")};
%   if strategy == "dense_post":
        if (id < ${mg.get("num_post")}) {
            const uint32_t id_post = id;
            ${ir.scalar.name} _lacc = 0;
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_pre = _spikes[_i];
                const uint32_t id_syn = id_pre * ${mg.get("num_post")} + id_post;
${block(mg.sections["rng"], 16)}\
${block(body, 16)}\
            }
            _a_outPost[id_post] += _lacc;
        }
%   elif strategy == "sparse_post" and neurons_per_thread > 1:
        /* ${neurons_per_thread} consecutive row positions per thread */
        if (id * ${neurons_per_thread}u < ${mg.get("row_stride")}) {
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_pre = _spikes[_i];
                const uint32_t _rowEnd = _a_rowLength[id_pre], _chunkEnd = id * ${neurons_per_thread}u + ${neurons_per_thread}u;
                const uint32_t _end = (_rowEnd < _chunkEnd) ? _rowEnd : _chunkEnd;  /* PoCL calls, not inlines, min() */
                for (uint32_t _j = id * ${neurons_per_thread}u; _j < _end; _j++) {
                    const uint32_t id_syn = id_pre * ${mg.get("row_stride")} + _j;
                    const uint32_t id_post = _a_ind[id_syn];
${block(mg.sections["rng"], 20)}\
${block(body, 20)}\
                }
            }
        }
%   elif strategy == "sparse_post":
        if (id < ${mg.get("row_stride")}) {
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_pre = _spikes[_i];
                if (id < _a_rowLength[id_pre]) {
                    const uint32_t id_syn = id_pre * ${mg.get("row_stride")} + id;
                    const uint32_t id_post = _a_ind[id_syn];
${block(mg.sections["rng"], 20)}\
${block(body, 20)}\
                }
            }
        }
%   else:
        const uint32_t _spikeIdx = id / ${mg.get("threads_per_spike")};
        if (_spikeIdx < _numSpikes) {
            const uint32_t id_pre = _spikes[_spikeIdx];
%     if strategy == "sparse_pre":
            const uint32_t _rowLength = _a_rowLength[id_pre];
            for (uint32_t _j = id % ${mg.get("threads_per_spike")}; _j < _rowLength; _j += ${mg.get("threads_per_spike")}) {
                const uint32_t id_syn = id_pre * ${mg.get("row_stride")} + _j;
                const uint32_t id_post = _a_ind[id_syn];
%     else:
            for (uint32_t id_post = id % ${mg.get("threads_per_spike")}; id_post < ${mg.get("num_post")}; id_post += ${mg.get("threads_per_spike")}) {
                const uint32_t id_syn = id_pre * ${mg.get("num_post")} + id_post;
%     endif
${block(mg.sections["rng"], 16)}\
${block(body, 16)}\
            }
        }
%   endif
        }
</%def>
<%doc> Clears this step's event-recording row before the neuron kernel ORs bits into it. </%doc>
<%def name="zero_event_record(r)">\
% if r.group.meta.get("event_record"):
        {
            const uint32_t _threads = ${f"{r.table}[_g + 1u] - {r.table}[_g]" if r.table else f"{r.end - r.begin}u"};
            GENN_GLOBAL uint32_t* const _row = _a_evRec + (timestep % GENN_NUM_RECORDING_TIMESTEPS) * ${r.group.get("ev_words")};
            for (uint32_t _w = id; _w < ${r.group.get("ev_words")}; _w += _threads) { _row[_w] = 0u; }
        }
% endif
</%def>
<%doc> A neuron's update up to its threshold test: loads, inputs, RNG (unless prefetched),
pre-sim and sim code. </%doc>
<%def name="state_update(mg, indent)">\
${block(mg.sections["load"], indent)}\
${block(mg.sections["inputs"], indent)}\
% if neurons_per_thread == 1 or not mg.sections["rng_stream"]:
${block(mg.sections["rng"], indent)}\
% endif
% if mg.meta["auto_refractory"]:
${" " * indent}const bool _oldSpike = (${mg.sections["threshold"]});
% endif
${block(mg.sections["pre_sim"], indent)}\
${block(mg.sections["sim"], indent)}\
</%def>
<%doc> CPU devices (several neurons per thread): the first pass of a two-pass neuron update
(see MergedGroup.two_pass_neuron_update) over a thread's run of neurons.  A function, so that
its array parameters can be restrict (clang honours restrict on parameters, and keeps it
through inlining), working on a private copy of the group's fields: the loop then has no
atomics, no appends and no loads that may alias stores, and the compiler vectorises it. </%doc>
<%def name="state_pass(mg)">\
<% restrict = "restrict " if mg.distinct_arrays else "" %>\
static void neuron_update_${mg.index}_state(
        GENN_GLOBAL char* const genn_arena, const GENN_GLOBAL struct ${mg.struct_name}* const _grpIn,
        const uint64_t timestep, const ${time_type} t, const uint32_t _slot, const uint32_t _first,
        const uint32_t _count,${" uint32_t _block[4][GENN_RNG_TILE]," if mg.sections["rng_stream"] else ""} uint32_t* const _spiked,
${",\n".join(f"        GENN_GLOBAL {ctype.name}* {restrict}const _a_{key}" for key, ctype in mg.arrays.items())}) {
    const struct ${mg.struct_name} _grpLocal = *_grpIn;
    const struct ${mg.struct_name}* const grp = &_grpLocal;
    (void)genn_arena; (void)t; (void)_slot;
    for (uint32_t _k = 0u; _k < _count; _k++) {
        const uint32_t id = _first + _k;
% if mg.sections["rng_stream"]:
        genn_rng_t _rng;
        genn_rng_init_block(&_rng, ${mg.sections["rng_stream"]}, id, (uint32_t)timestep, GENN_SEED_LO, GENN_SEED_HI,
                            _block, _k);
% endif
${state_update(mg, 8)}\
        const bool _spike = (${mg.sections["threshold"]})${" && !_oldSpike" if mg.meta["auto_refractory"] else ""};
        if (_spike) {
${block(mg.sections["reset"], 12)}\
        }
        _spiked[_k] = _spike ? 1u : 0u;
${block(mg.sections["store"], 8)}\
    }
}

</%def>
<%def name="kernel_head(name)">\
GENN_KERNEL ${name}(GENN_GLOBAL char* const genn_arena, const uint64_t timestep GENN_SEGMENT_PARAMS) {
    if (timestep == GENN_WARM_UP_STEP) {
        return;  /* uniform over the launch, so no barrier is left waiting */
    }
    const uint32_t _gid = GENN_GLOBAL_ID;
    const ${time_type} t = (${time_type})timestep * (${time_type})${dt};
    (void)t;
</%def>

/* A launch with this timestep does nothing: drivers that compile a kernel for its launch
   configuration on first use (PoCL) do so in load(), not in the first simulated step. */
#define GENN_WARM_UP_STEP ${hex(WARM_UP_STEP)}ul

/* Arena header (uint64 words): seed, num_recording_timesteps, 4 timers (double), table offsets. */
#define GENN_G ((const GENN_GLOBAL uint64_t*)genn_arena)
#define GENN_SEED_LO ((uint32_t)(GENN_G[0] & 0xFFFFFFFFul))
#define GENN_SEED_HI ((uint32_t)(GENN_G[0] >> 32))
#define GENN_RNG_INIT(stream, element, step) \
    genn_rng_t _rng; genn_rng_init(&_rng, GENN_SEED_LO, GENN_SEED_HI, (stream), (element), (step))
#define GENN_NUM_RECORDING_TIMESTEPS (GENN_G[1])
#define GENN_TABLE(k) (genn_arena + GENN_G[6 + (k)])
/* An array's address: its arena segment (a kernel argument each; the backend builds with
   -DGENN_ARENA_SEGMENTS=n when the device caps a buffer below the model's size) in the top
   byte, and its byte offset in that segment. */
#ifndef GENN_ARENA_SEGMENTS
#define GENN_ARENA_SEGMENTS 1
#endif
#define GENN_SEGMENT(a) ((uint32_t)((a) >> ${ARENA_SEGMENT_SHIFT}))
#define GENN_IN_SEGMENT(a) ((a) & ${hex((1 << ARENA_SEGMENT_SHIFT) - 1)}ul)
#if GENN_ARENA_SEGMENTS == 1
#define GENN_SEGMENT_PARAMS
#define GENN_ADDR(a) (genn_arena + (a))
% for n in range(2, MAX_ARENA_SEGMENTS + 1):
<%
    base = "genn_arena"
    for k in range(1, n):
        base = f"(GENN_SEGMENT(a) == {k}u ? genn_arena{k} : {base})"
%>#elif GENN_ARENA_SEGMENTS == ${n}
#define GENN_SEGMENT_PARAMS ${"".join(f", GENN_GLOBAL char* const genn_arena{k}" for k in range(1, n))}
#define GENN_ADDR(a) (${base} + GENN_IN_SEGMENT(a))
% endfor
#else
#error "GENN_ARENA_SEGMENTS is out of range"
#endif
#define GENN_APPEND_EVENT(cnt, spk, n, value) ((spk)[_slot * (n) + genn_atomic_inc_u32(&(cnt)[_slot])] = (value))
#define GENN_RECORD_EVENT(rec, words, id) \
    genn_atomic_or_global_u32(&(rec)[(timestep % GENN_NUM_RECORDING_TIMESTEPS) * (words) + (id) / 32u], 1u << ((id) % 32u))

/* First thread of each member of a merged group (and the end of the last) per kernel. */
% for kind_ranges in ranges.values():
%   for r in kind_ranges:
%     if r.table:
GENN_CONSTANT uint32_t ${r.table}[${len(r.starts)}] = {${", ".join(f"{s}u" for s in r.starts)}};
%     endif
%   endfor
% endfor

% for mg in ir.all_groups():
struct ${mg.struct_name} {
%   for f in mg.fields:
    ${f.struct_type.name} ${f.name};
%   endfor
};
% endfor

% if ranges["neuron_update"]:
% if neurons_per_thread > 1:
%   for r in ranges["neuron_update"]:
%     if r.group.two_pass_neuron_update:
${state_pass(r.group)}\
%     endif
%   endfor
% endif
${kernel_head("neuron_update")}\
<% recording = any(r.group.meta["recording"] for r in ranges["neuron_update"]); npt = neurons_per_thread %>\
% if recording and npt == 1:
    /* Spike recording: each block builds its bitfield words in local memory and writes
       each word once. Barriers stay at kernel scope, outside the per-group branches. */
    GENN_LOCAL uint32_t _shRec[${block_size // 32}];
    GENN_GLOBAL uint32_t* _recRow = 0;
    uint32_t _recWord = 0u, _recWords = 0u;
    if (GENN_LOCAL_ID < ${block_size // 32}u) { _shRec[GENN_LOCAL_ID] = 0u; }
    GENN_BARRIER();
% endif
% for r in ranges["neuron_update"]:
<% mg = r.group; two_pass = npt > 1 and mg.two_pass_neuron_update %>\
% if npt == 1:
${open_group(r)}\
% else:
${open_group(r, "_tid")}\
% endif
        const uint32_t _slot = (uint32_t)(timestep % ${mg.get("num_delay_slots")});
% if npt == 1:
        bool _spike = false;
        if (id < ${mg.get("num_neurons")}) {
% else:
        /* ${npt} consecutive neurons per thread: the thread owns their recording word */
        uint32_t _recBits = 0u;
        const uint32_t _first = _tid * ${npt}u, _n = ${mg.get("num_neurons")};
        const uint32_t _count = (_first >= _n) ? 0u : ((_n - _first < ${npt}u) ? (_n - _first) : ${npt}u);
%   if mg.sections["rng_stream"]:
        uint32_t _block[4][GENN_RNG_TILE];
        genn_philox_tile(GENN_SEED_LO, GENN_SEED_HI, ${mg.sections["rng_stream"]}, _first, (uint32_t)timestep,
                         _count, _block);
%   endif
%   if two_pass:
        /* two passes: state (vectorisable), then spikes */
        uint32_t _spiked[${npt}];
        neuron_update_${mg.index}_state(genn_arena, grp, timestep, t, _slot, _first, _count,${" _block," if mg.sections["rng_stream"] else ""} _spiked,
            ${", ".join(f"_a_{key}" for key in mg.arrays)});
        for (uint32_t _k = 0u; _k < _count; _k++) {
            if (_spiked[_k]) {
                const uint32_t id = _first + _k;
${block(mg.sections["on_spike"], 16)}\
                const uint32_t _pos = genn_atomic_inc_u32(&_a_spkCnt[_slot]);
                _a_spk[_slot * ${mg.get("num_neurons")} + _pos] = id;
                _recBits |= 1u << _k;
            }
        }
%   else:
        for (uint32_t _k = 0u; _k < _count; _k++) {
            const uint32_t id = _first + _k;
            bool _spike = false;
%     if mg.sections["rng_stream"]:
            genn_rng_t _rng;
            genn_rng_init_block(&_rng, ${mg.sections["rng_stream"]}, id, (uint32_t)timestep, GENN_SEED_LO, GENN_SEED_HI, _block, _k);
%     endif
%   endif
% endif
% if not two_pass:
${state_update(mg, 12)}\
${block(mg.sections["events"], 12)}\
%   if mg.sections["threshold"]:
            if ((${mg.sections["threshold"]})${" && !_oldSpike" if mg.meta["auto_refractory"] else ""}) {
${block(mg.sections["reset"], 16)}\
${block(mg.sections["on_spike"], 16)}\
                _spike = true;
            }
%   endif
${block(mg.sections["store"], 12)}\
            if (_spike) {
                const uint32_t _pos = genn_atomic_inc_u32(&_a_spkCnt[_slot]);
                _a_spk[_slot * ${mg.get("num_neurons")} + _pos] = id;
% if npt > 1:
                _recBits |= 1u << _k;
% endif
            }
        }
% endif
        if (${"id" if npt == 1 else "_tid"} == 0u) {
            /* the slot the next step writes was consumed by this step's synapse update */
            const uint32_t _nextSlot = (uint32_t)((timestep + 1u) % ${mg.get("num_delay_slots")});
            _a_spkCnt[_nextSlot] = 0u;
%   for key in mg.meta["event_counts"]:
            _a_${key}[_nextSlot] = 0u;
%   endfor
        }
%   if mg.meta["recording"] and npt == 1:
        if (_spike) { genn_atomic_or_local_u32(&_shRec[GENN_LOCAL_ID / 32u], 1u << (GENN_LOCAL_ID % 32u)); }
        _recRow = _a_recordSpk + (timestep % GENN_NUM_RECORDING_TIMESTEPS) * ${mg.get("record_words")};
        _recWord = (id - GENN_LOCAL_ID) / 32u + GENN_LOCAL_ID;
        _recWords = ${mg.get("record_words")};
%   elif mg.meta["recording"]:
        if (_tid < ${mg.get("record_words")}) {
            _a_recordSpk[(timestep % GENN_NUM_RECORDING_TIMESTEPS) * ${mg.get("record_words")} + _tid] = _recBits;
        }
%   endif
    }
% endfor
% if recording and npt == 1:
    GENN_BARRIER();
    if (_recRow != 0 && GENN_LOCAL_ID < ${block_size // 32}u && _recWord < _recWords) {
        _recRow[_recWord] = _shRec[GENN_LOCAL_ID];
    }
% endif
}

% endif
% if ranges["presynaptic_update"]:
${kernel_head("presynaptic_update")}\
% for r in ranges["presynaptic_update"]:
<% mg = r.group; strategy = mg.meta["strategy"] %>\
${open_group(r)}\
        const uint32_t _slots = ${mg.get("delay_slots")};
        const uint32_t _slot = (uint32_t)((timestep + _slots - ((1u + ${mg.get("axonal_delay")}) % _slots)) % _slots);
${zero_event_record(r)}\
%   for cnt, spk, body in (("srcSpkCnt", "srcSpk", "body"), ("srcEvCnt", "srcEvSpk", "event_body")):
%     if mg.sections[body]:
${propagate(mg, strategy, cnt, spk, mg.sections[body])}\
%     endif
%   endfor
    }
% endfor
}

% endif
% if ranges["synapse_dynamics"]:
${kernel_head("synapse_dynamics")}\
% for r in ranges["synapse_dynamics"]:
<% mg = r.group; row = mg.get("row_stride") if mg.meta["sparse"] else mg.get("num_post") %>\
${open_group(r)}\
        const uint32_t id_pre = id / ${row};
        if (id_pre < ${mg.get("num_pre")}) {
%   if mg.meta["sparse"]:
            if (id % ${row} < _a_rowLength[id_pre]) {
                const uint32_t id_syn = id;
                const uint32_t id_post = _a_ind[id_syn];
%   else:
            {
                const uint32_t id_syn = id;
                const uint32_t id_post = id % ${row};
%   endif
${block(mg.sections["rng"], 16)}\
${block(mg.sections["body"], 16)}\
            }
        }
    }
% endfor
}

% endif
% if ranges["postsynaptic_update"]:
${kernel_head("postsynaptic_update")}\
% for r in ranges["postsynaptic_update"]:
<% mg = r.group %>\
${open_group(r)}\
        const uint32_t _slots = ${mg.get("delay_slots")};
        const uint32_t _slot = (uint32_t)((timestep + _slots - ((1u + ${mg.get("back_prop_delay")}) % _slots)) % _slots);
${zero_event_record(r)}\
%   for cnt, spk, body in (("trgSpkCnt", "trgSpk", "body"), ("trgEvCnt", "trgEvSpk", "event_body")):
%     if mg.sections[body]:
        {
        const uint32_t _numSpikes = _a_${cnt}[_slot];
        const GENN_GLOBAL uint32_t* const _spikes = _a_${spk} + _slot * ${mg.get("num_post")};
%       if mg.meta["sparse"]:
        /* a thread per column position: each synapse is updated by one thread */
        if (id < ${mg.get("col_stride")}) {
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_post = _spikes[_i];
                if (id < _a_colLength[id_post]) {
                    const uint32_t id_syn = _a_remap[id_post * ${mg.get("col_stride")} + id];
                    const uint32_t id_pre = id_syn / ${mg.get("row_stride")};
%       else:
        /* a thread per presynaptic neuron */
        if (id < ${mg.get("num_pre")}) {
            const uint32_t id_pre = id;
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_post = _spikes[_i];
                {
                    const uint32_t id_syn = id_pre * ${mg.get("num_post")} + id_post;
%       endif
${block(mg.sections["rng"], 20)}\
${block(mg.sections[body], 20)}\
                }
            }
        }
        }
%     endif
%   endfor
    }
% endfor
}

% endif
% for k in ir.custom_update_groups.values():
<% kind = ir.custom_update_kind(k) %>\
%   if ranges[kind]:
${kernel_head(kind)}\
%     for r in ranges[kind]:
<% mg = r.group %>\
${open_group(r)}\
%       if mg.meta["reduction"]:
        /* one thread reduces in element order, as the C backend does */
        if (id == 0u) {
${block(mg.sections["reduce_init"], 12)}\
            for (uint32_t _e = 0u; _e < ${mg.get("num_neurons")}; _e++) {
                const uint32_t id = _e;
${block(mg.sections["rng"], 16)}\
${block(mg.sections["body"], 16)}\
${block(mg.sections["reduce"], 16)}\
            }
${block(mg.sections["reduce_write"], 12)}\
        }
%       elif mg.meta["shape"] == "neuron":
        if (id < ${mg.get("num_neurons")}) {
${block(mg.sections["rng"], 12)}\
${block(mg.sections["body"], 12)}\
        }
%       elif mg.meta["shape"] == "dense":
        if (id < ${mg.get("num_pre")} * ${mg.get("num_post")}) {
            const uint32_t id_syn = id;
            const uint32_t id_pre = id / ${mg.get("num_post")};
            const uint32_t id_post = id % ${mg.get("num_post")};
${block(mg.sections["rng"], 12)}\
${block(mg.sections["body"], 12)}\
        }
%       else:
        {
            const uint32_t id_pre = id / ${mg.get("row_stride")};
            if (id_pre < ${mg.get("num_pre")} && id % ${mg.get("row_stride")} < _a_rowLength[id_pre]) {
                const uint32_t id_syn = id;
                const uint32_t id_post = _a_ind[id_syn];
${block(mg.sections["rng"], 16)}\
${block(mg.sections["body"], 16)}\
            }
        }
%       endif
    }
%     endfor
}

%   endif
% endfor
% if ranges["neuron_init"]:
${kernel_head("neuron_init")}\
% for r in ranges["neuron_init"]:
${open_group(r)}\
        if (id < ${r.group.get("num_neurons")}) {
${block(r.group.sections["body"], 12)}\
        }
    }
% endfor
}

% endif
% if ranges["dense_init"]:
${kernel_head("dense_init")}\
% for r in ranges["dense_init"]:
${open_group(r)}\
        if (id < ${r.group.get("num_post")}) {
            const uint32_t id_post = id;
            for (uint32_t id_pre = 0u; id_pre < ${r.group.get("num_pre")}; id_pre++) {
                const uint32_t id_syn = id_pre * ${r.group.get("num_post")} + id_post;
${block(r.group.sections["body"], 16)}\
            }
        }
    }
% endfor
}

% endif
% if ranges["connectivity_prelude"]:
${kernel_head("connectivity_prelude")}\
% for r in ranges["connectivity_prelude"]:
${open_group(r)}\
        if (id == 0u) {
${block(r.group.sections["prelude"], 12)}\
        }
    }
% endfor
}

% endif
% if ranges["connectivity_init"]:
${kernel_head("connectivity_init")}\
% for r in ranges["connectivity_init"]:
<% mg = r.group %>\
${open_group(r)}\
        uint32_t _overflow = 0u;
%   if mg.meta["by_row"]:
        if (id < ${mg.get("num_pre")}) {
            const uint32_t id_pre = id;
            uint32_t _rl = 0u;
${block(mg.sections["rng"], 12)}\
${block(mg.sections["body"], 12)}\
            _a_rowLength[id_pre] = _rl;
        }
%   else:
        if (id < ${mg.get("num_post")}) {
            const uint32_t id_post = id;
            uint32_t _pre, _r;
${block(mg.sections["rng"], 12)}\
${block(mg.sections["body"], 12)}\
        }
%   endif
        if (_overflow) { _a_errors[${mg.get("error_slot")}] = 1u; }
    }
% endfor
}

% endif
% if ranges["connectivity_sort"]:
${kernel_head("connectivity_sort")}\
% for r in ranges["connectivity_sort"]:
<% mg = r.group %>\
${open_group(r)}\
        /* column-wise building appends to rows in any order: sort each row (insertion sort) */
        if (id < ${mg.get("num_pre")}) {
            const uint32_t _n = min(_a_rowLength[id], ${mg.get("row_stride")});
            _a_rowLength[id] = _n;
            GENN_GLOBAL ${mg.meta["index_type"]}* const _row = _a_ind + id * ${mg.get("row_stride")};
            for (uint32_t _i = 1u; _i < _n; _i++) {
                const ${mg.meta["index_type"]} _v = _row[_i];
                uint32_t _j = _i;
                while (_j > 0u && _row[_j - 1u] > _v) { _row[_j] = _row[_j - 1u]; _j--; }
                _row[_j] = _v;
            }
        }
    }
% endfor
}

% endif
% if ranges["connectivity_remap"]:
${kernel_head("connectivity_remap")}\
% for r in ranges["connectivity_remap"]:
<% mg = r.group %>\
${open_group(r)}\
        uint32_t _overflow = 0u;
        if (id < ${mg.get("num_pre")}) {
            const uint32_t id_pre = id;
            for (uint32_t _j = 0u; _j < _a_rowLength[id_pre]; _j++) {
                const uint32_t id_syn = id_pre * ${mg.get("row_stride")} + _j;
                const uint32_t id_post = _a_ind[id_syn];
                const uint32_t _c = genn_atomic_inc_u32(&_a_colLength[id_post]);
                if (_c < ${mg.get("col_stride")}) { _a_remap[id_post * ${mg.get("col_stride")} + _c] = id_syn; }
                else { _overflow = 1u; }
            }
        }
        if (_overflow) { _a_errors[${mg.get("error_slot")}] = 1u; }
    }
% endfor
}

${kernel_head("connectivity_remap_sort")}\
% for r in ranges["connectivity_remap_sort"]:
<% mg = r.group %>\
${open_group(r)}\
        /* columns fill in any order: sort each by synapse index, as the C backend builds them */
        if (id < ${mg.get("num_post")}) {
            const uint32_t _n = min(_a_colLength[id], ${mg.get("col_stride")});
            _a_colLength[id] = _n;
            GENN_GLOBAL uint32_t* const _col = _a_remap + id * ${mg.get("col_stride")};
            for (uint32_t _i = 1u; _i < _n; _i++) {
                const uint32_t _v = _col[_i];
                uint32_t _j = _i;
                while (_j > 0u && _col[_j - 1u] > _v) { _col[_j] = _col[_j - 1u]; _j--; }
                _col[_j] = _v;
            }
        }
    }
% endfor
}

% endif
% if ranges["sparse_init"]:
${kernel_head("sparse_init")}\
% for r in ranges["sparse_init"]:
${open_group(r)}\
        if (id < ${r.group.get("num_pre")}) {
            const uint32_t id_pre = id;
            const uint32_t _rowLength = _a_rowLength[id_pre];
            for (uint32_t _j = 0u; _j < _rowLength; _j++) {
                const uint32_t id_syn = id_pre * ${r.group.get("row_stride")} + _j;
                const uint32_t id_post = _a_ind[id_syn];
                (void)id_post;
${block(r.group.sections["body"], 16)}\
            }
        }
    }
% endfor
}
% endif
