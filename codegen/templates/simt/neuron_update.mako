<%doc> The neuron update kernel (see common/neuron.mako for the pieces shared with C). </%doc>\
<%namespace name="blocks" file="/common/blocks.mako"/>\
<%namespace name="neuron" file="/common/neuron.mako"/>\
<%namespace name="simt" file="/simt/common.mako"/>\
<%def name="append_spike(mg, indent)">\
${" " * indent}const uint32_t _pos = genn_atomic_inc_u32(&_a_spkCnt[_slot]);
${" " * indent}_a_spk[_slot * ${mg.get("num_neurons")} + _pos] = id;
</%def>
% if ranges["neuron_update"]:
<% npt = neurons_per_thread; recording = any(r.group.code.recording for r in ranges["neuron_update"]) %>\
% if npt > 1:
%   for r in ranges["neuron_update"]:
%     if r.group.code.two_pass:
${neuron.state_pass(r.group)}\
%     endif
%   endfor
% endif
${simt.kernel_head("neuron_update")}\
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
<% mg = r.group; code = mg.code; two_pass = npt > 1 and code.two_pass %>\
${simt.open_group(r, "id" if npt == 1 else "_tid")}\
        const uint32_t _slot = (uint32_t)(timestep % ${mg.get("num_delay_slots")});
${neuron.delay_offsets(mg, 8)}\
%   if npt == 1:
        bool _spike = false;
        if (id < ${mg.get("num_neurons")}) {
            const uint32_t _nid = id;
%   else:
        /* ${npt} consecutive neurons per thread: the thread owns their recording word */
        uint32_t _recBits = 0u;
        const uint32_t _first = _tid * ${npt}u, _n = ${mg.get("num_neurons")};
        const uint32_t _count = (_first >= _n) ? 0u : ((_n - _first < ${npt}u) ? (_n - _first) : ${npt}u);
        const uint32_t _seedLo = GENN_SEED_LO, _seedHi = GENN_SEED_HI;
%     if code.rng_tile:
        uint32_t _block[4][GENN_RNG_TILE];
%     endif
${neuron.prefetch(code, "_first", "_count", 8)}\
%     if two_pass:
        /* two passes: state (vectorisable), then spikes */
        uint32_t _spiked[${npt}];
${neuron.call_state_pass(mg, 8)}\
<%call expr="neuron.flagged_spikes(mg, 8)">\
${append_spike(mg, 16)}\
                _recBits |= 1u << _k;
</%call>\
%     else:
        for (uint32_t _k = 0u; _k < _count; _k++) {
            const uint32_t id = _first + _k;
            const uint32_t _nid = id;
            bool _spike = false;
${neuron.rng_start(code, "_k", 12)}\
%     endif
%   endif
%   if not two_pass:
${neuron.state_update(mg, 12, npt == 1)}\
${neuron.events(mg, 12)}\
%     if code.threshold:
            if (${neuron.spike_test(code)}) {
${blocks.block(code.reset, 16)}\
${neuron.on_spike(code, 16)}\
                _spike = true;
            }
%     endif
${neuron.store_registers(code.registers, 12)}\
            if (_spike) {
${append_spike(mg, 16)}\
%     if npt > 1:
                _recBits |= 1u << _k;
%     endif
            }
        }
%   endif
        if (${"id" if npt == 1 else "_tid"} == 0u) {
            /* the slot the next step writes was consumed by this step's synapse update */
            const uint32_t _nextSlot = (uint32_t)((timestep + 1u) % ${mg.get("num_delay_slots")});
            _a_spkCnt[_nextSlot] = 0u;
%   for key in code.event_counts:
            _a_${key}[_nextSlot] = 0u;
%   endfor
        }
%   if code.recording and npt == 1:
        if (_spike) { genn_atomic_or_local_u32(&_shRec[GENN_LOCAL_ID / 32u], 1u << (GENN_LOCAL_ID % 32u)); }
        _recRow = _a_recordSpk + (timestep % GENN_NUM_RECORDING_TIMESTEPS) * ${mg.get("record_words")};
        _recWord = (id - GENN_LOCAL_ID) / 32u + GENN_LOCAL_ID;
        _recWords = ${mg.get("record_words")};
%   elif code.recording:
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
