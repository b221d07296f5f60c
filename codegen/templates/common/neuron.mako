<%doc>
Pieces of the neuron update that the sequential C loops and the SIMT kernels share.
The neuron's index is ``id`` for user code and ``_nid`` in array subscripts (see
codegen.generator.neuron); each template defines both.
Context: ir, time_type.  Backends define GENN_GLOBAL, GENN_RESTRICT, GENN_FUNCTION (qualifiers
of a helper function) and GENN_RNG_TILE where they use these pieces.
</%doc>\
<%namespace name="blocks" file="/common/blocks.mako"/>\
<%doc> The threshold test of a neuron (an expression). </%doc>\
<%def name="spike_test(code)">(${code.threshold})${" && !_oldSpike" if code.auto_refractory else ""}</%def>
<%doc> Registers of a neuron's variables (or of a model that runs per neuron): loaded at
the start of the neuron's update, stored at its end. </%doc>\
<%def name="load_registers(registers, indent)">\
% for r in registers:
${" " * indent}${r.ctype} ${r.local} = _a_${r.key}[${"_wrOff + " if r.delayed else ""}_nid];
% endfor
</%def>
<%def name="store_registers(registers, indent)">\
% for r in registers:
%   if r.store:
${" " * indent}_a_${r.key}[${"_wrOff + " if r.delayed else ""}_nid] = ${r.local};
%   endif
% endfor
</%def>
<%doc> Offsets of this step's delay slot (``_wrOff``) and of the slot the last step wrote
(``_rdOff``) in arrays kept in delay slots (``_slot`` is this step's). </%doc>\
<%def name="delay_offsets(mg, indent)">\
% if mg.code.copies:
<% pad = " " * indent; slots = mg.get("num_delay_slots") %>\
${pad}const uint64_t _wrOff = (uint64_t)_slot * ${mg.get("num_neurons")};
${pad}const uint64_t _rdOff = (uint64_t)((timestep + ${slots} - 1u) % ${slots}) * ${mg.get("num_neurons")};
${pad}(void)_wrOff; (void)_rdOff;
% endif
</%def>
<%doc> The code of a model that runs per neuron, with its own registers, in a block. </%doc>\
<%def name="piece(p, indent)">\
${" " * indent}{
${load_registers(p.registers, indent + 4)}\
${blocks.block(p.code, indent + 4)}\
${store_registers(p.registers, indent + 4)}\
${" " * indent}}
</%def>
<%doc> Inputs a neuron receives: what ``addToPre`` accumulated, its postsynaptic models
(each reading its input buffer and this step's slot of its dendritic-delay ring) and its
current sources. </%doc>\
<%def name="inputs(mg, indent)">\
<% code = mg.code; pad = " " * indent %>\
% for o in code.outputs:
${pad}_in_${o.target} += _a_${o.key}[_nid];
${pad}_a_${o.key}[_nid] = ${o.zero};
% endfor
% for p in code.postsynaptic:
${pad}{
${pad}    ${ir.scalar.name} _inSyn = _a_${p.prefix}outPost[_nid];
%   if p.dendritic:
${pad}    GENN_GLOBAL ${ir.scalar.name}* const _ddRow = _a_${p.prefix}denDelay + (uint64_t)(timestep % ${mg.get(p.prefix + "max_dendritic_delay")}) * ${mg.get("num_neurons")};
${pad}    _inSyn += _ddRow[_nid];
${pad}    _ddRow[_nid] = ${p.zero};
%   endif
${load_registers(p.registers, indent + 4)}\
${blocks.block(p.code, indent + 4)}\
${store_registers(p.registers, indent + 4)}\
${pad}    _a_${p.prefix}outPost[_nid] = _inSyn;
${pad}}
% endfor
% for p in code.current_sources:
${piece(p, indent)}\
% endfor
</%def>
<%doc> Random numbers of a loop over many neurons.  Where code that runs every step draws
unconditionally (NeuronUpdate.rng_tile), the loop computes the first Philox block of a run of
neurons at once (``prefetch``, into ``_block``) and each neuron's stream starts from its block;
otherwise each stream computes its first block when it first draws (the Poisson neuron draws
only after a spike).  The draws are the same either way (genn_rng_init_block). </%doc>\
<%def name="prefetch(code, first, count, indent)">\
% if code.rng_tile:
${" " * indent}genn_philox_tile(_seedLo, _seedHi, ${code.rng_stream}, ${first}, (uint32_t)timestep, ${count}, _block);
% endif
</%def>
<%def name="rng_start(code, j, indent)">\
% if code.rng_stream:
${" " * indent}genn_rng_t _rng;
%   if code.rng_tile:
${" " * indent}genn_rng_init_block(&_rng, ${code.rng_stream}, id, (uint32_t)timestep, _seedLo, _seedHi, _block, ${j});
%   else:
${" " * indent}genn_rng_init(&_rng, _seedLo, _seedHi, ${code.rng_stream}, id, (uint32_t)timestep);
%   endif
% endif
</%def>
<%doc> A neuron's update up to its threshold test: registers, inputs, RNG set-up (``with_rng``:
unless the template starts the stream from a prefetched block), the neuron model's code and
the weight updates' dynamics code. </%doc>\
<%def name="state_update(mg, indent, with_rng)">\
<% code = mg.code %>\
% for key in code.copies:
${" " * indent}_a_${key}[_wrOff + _nid] = _a_${key}[_rdOff + _nid];
% endfor
${load_registers(code.registers, indent)}\
% for name, ctype, value in code.inputs:
${" " * indent}${ctype} _in_${name} = ${value};
% endfor
% if with_rng:
${blocks.rng_init(code.rng_stream, "id", "(uint32_t)timestep", indent)}\
% endif
% if code.auto_refractory:
${" " * indent}const bool _oldSpike = (${code.threshold});
% endif
${inputs(mg, indent)}\
${blocks.block(code.sim, indent)}\
% for p in code.dynamics:
${piece(p, indent)}\
% endfor
</%def>
<%doc> Spike-like event conditions, after the state update: queue appends, event times and
recording bits. </%doc>\
<%def name="events(mg, indent)">\
<% code = mg.code; pad = " " * indent %>\
% for e in code.events:
${pad}if (${e.condition}) {
${pad}    GENN_APPEND_EVENT(_a_ev${e.index}Cnt, _a_ev${e.index}Spk, ${mg.get("num_neurons")}, id);
%   if e.times:
<% i = "_wrOff + _nid" if e.times_delayed else "_nid" %>\
${pad}    _a_ev${e.index}PrevSet[${i}] = _a_ev${e.index}Set[${i}];
${pad}    _a_ev${e.index}Set[${i}] = t + ${code.dt};
%   endif
%   if e.record_words:
${pad}    GENN_RECORD_EVENT(_a_ev${e.index}Rec, ${mg.get(e.record_words)}, id);
%   endif
${pad}}
% endfor
</%def>
<%doc> What happens when a neuron spikes, after its reset: its spike times, and the weight
updates' spike code. </%doc>\
<%def name="on_spike(code, indent)">\
% if code.spike_times:
<% i = "_wrOff + _nid" if code.spike_times_delayed else "_nid" %>\
${" " * indent}_a_prev_st[${i}] = _a_st[${i}];
${" " * indent}_a_st[${i}] = t + ${code.dt};
% endif
% for p in code.spike_code:
${piece(p, indent)}\
% endfor
</%def>
<%doc>
The first pass of a two-pass neuron update (NeuronUpdate.two_pass) over neurons
_first .. _first + _count - 1: updates state and flags spikes in _spiked, with no atomics
and no appends.  A function of its own, so that its array parameters can be restrict (gcc
honours restrict on parameters only, and loses it when inlining), working on a private copy
of the group's fields (parameters read only in a branch, like LIF's Ioffset, then need no
masked loads); the 64-bit counter keeps array accesses affine.  CPU compilers vectorise
this loop when the model's code allows it.
</%doc>\
<%def name="state_pass(mg)">\
<%
    code = mg.code
    restrict = "GENN_RESTRICT " if mg.distinct_arrays else ""
    block = "        uint32_t (*GENN_RESTRICT _block)[GENN_RNG_TILE]," if code.rng_tile else ""
%>\
GENN_FUNCTION void neuron_update_${mg.index}_state(
        GENN_GLOBAL char* const genn_arena, const GENN_GLOBAL struct ${mg.struct_name}* const _grpIn,
        const uint64_t timestep, const ${time_type} t, const uint32_t _slot, const uint32_t _first,
        const uint32_t _count, const uint32_t _seedLo, const uint32_t _seedHi,
${block + chr(10) if block else ""}\
        uint32_t* GENN_RESTRICT const _spiked,
${",\n".join(f"        GENN_GLOBAL {ctype.name}* {restrict}const _a_{key}" for key, ctype in mg.arrays.items())}) {
    const struct ${mg.struct_name} _grpLocal = *_grpIn;
    const struct ${mg.struct_name}* const grp = &_grpLocal;
    (void)genn_arena; (void)t; (void)_slot; (void)_seedLo; (void)_seedHi;
${delay_offsets(mg, 4)}\
    for (uint64_t _nid = _first; _nid < (uint64_t)_first + _count; _nid++) {
        const uint32_t id = (uint32_t)_nid;
${rng_start(code, "id - _first", 8)}\
${state_update(mg, 8, False)}\
        const bool _spike = ${spike_test(code)};
        if (_spike) {
${blocks.block(code.reset, 12)}\
        }
        _spiked[_nid - _first] = _spike ? 1u : 0u;
${store_registers(code.registers, 8)}\
    }
}

</%def>
<%doc> The call of the first pass (arguments as state_pass declares them). </%doc>\
<%def name="call_state_pass(mg, indent)">\
${" " * indent}neuron_update_${mg.index}_state(genn_arena, grp, timestep, t, _slot, _first, _count, _seedLo, _seedHi,${" _block," if mg.code.rng_tile else ""} _spiked,
${" " * indent}    ${", ".join(f"_a_{key}" for key in mg.arrays)});
</%def>
<%doc> The second pass: spike code for each flagged neuron, then the caller's body, which
emits the spike (``_k``: the neuron's position in the run). </%doc>\
<%def name="flagged_spikes(mg, indent)">\
${" " * indent}for (uint32_t _k = 0u; _k < _count; _k++) {
${" " * indent}    if (_spiked[_k]) {
${" " * indent}        const uint32_t id = _first + _k;
${" " * indent}        const uint32_t _nid = id;
${on_spike(mg.code, indent + 8)}\
${caller.body()}\
${" " * indent}    }
${" " * indent}}
</%def>
