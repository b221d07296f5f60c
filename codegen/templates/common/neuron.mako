<%doc>
Pieces of the neuron update that the sequential C loops and the SIMT kernels share.
The neuron's index is ``id`` for user code and ``_nid`` in array subscripts (see
codegen.generator.neuron); each template defines both.
Context: time_type.  Backends define GENN_GLOBAL, GENN_RESTRICT, GENN_FUNCTION (qualifiers
of a helper function) and GENN_RNG_TILE where they use these pieces.
</%doc>\
<%namespace name="blocks" file="/common/blocks.mako"/>\
<%doc> The threshold test of a neuron (an expression). </%doc>\
<%def name="spike_test(code)">(${code.threshold})${" && !_oldSpike" if code.auto_refractory else ""}</%def>
<%doc> A neuron's update up to its threshold test: loads, inputs, RNG set-up (``with_rng``:
unless the template starts the stream from a prefetched block), pre-sim and sim code. </%doc>\
<%def name="state_update(code, indent, with_rng)">\
${blocks.block(code.load, indent)}\
${blocks.block(code.inputs, indent)}\
% if with_rng:
${blocks.block(code.rng, indent)}\
% endif
% if code.auto_refractory:
${" " * indent}const bool _oldSpike = (${code.threshold});
% endif
${blocks.block(code.pre_sim, indent)}\
${blocks.block(code.sim, indent)}\
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
    block = "        uint32_t (*GENN_RESTRICT _block)[GENN_RNG_TILE]," if code.rng_stream else ""
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
    for (uint64_t _nid = _first; _nid < (uint64_t)_first + _count; _nid++) {
        const uint32_t id = (uint32_t)_nid;
% if code.rng_stream:
        genn_rng_t _rng;
        genn_rng_init_block(&_rng, ${code.rng_stream}, id, (uint32_t)timestep, _seedLo, _seedHi, _block, id - _first);
% endif
${state_update(code, 8, False)}\
        const bool _spike = ${spike_test(code)};
        if (_spike) {
${blocks.block(code.reset, 12)}\
        }
        _spiked[id - _first] = _spike ? 1u : 0u;
${blocks.block(code.store, 8)}\
    }
}

</%def>
<%doc> The call of the first pass (arguments as state_pass declares them). </%doc>\
<%def name="call_state_pass(mg, indent)">\
${" " * indent}neuron_update_${mg.index}_state(genn_arena, grp, timestep, t, _slot, _first, _count, _seedLo, _seedHi,${" _block," if mg.code.rng_stream else ""} _spiked,
${" " * indent}    ${", ".join(f"_a_{key}" for key in mg.arrays)});
</%def>
<%doc> The second pass: spike code for each flagged neuron, then the caller's body, which
emits the spike (``_k``: the neuron's position in the run). </%doc>\
<%def name="flagged_spikes(mg, indent)">\
${" " * indent}for (uint32_t _k = 0u; _k < _count; _k++) {
${" " * indent}    if (_spiked[_k]) {
${" " * indent}        const uint32_t id = _first + _k;
${" " * indent}        const uint32_t _nid = id;
${blocks.block(mg.code.on_spike, indent + 8)}\
${caller.body()}\
${" " * indent}    }
${" " * indent}}
</%def>
