<%doc> Neuron updates: a loop over each member's neurons (see common/neuron.mako). </%doc>\
<%namespace name="blocks" file="/common/blocks.mako"/>\
<%namespace name="neuron" file="/common/neuron.mako"/>\
<%namespace name="c" file="/c/common.mako"/>\
<%def name="emit_spike(code, indent)">\
${" " * indent}_spk[_spkCnt++] = id;
% if code.recording:
${" " * indent}_rec[id / 32u] |= (1u << (id % 32u));
% endif
</%def>
% for mg in ir.kernels["neuron_update"]:
<% code = mg.code; n = mg.get("num_neurons") %>\
/* Neuron update ${mg.index} (${len(mg.members)} groups) */
%   if code.two_pass:
${neuron.state_pass(mg)}\
%   endif
static void neuron_update_${mg.index}(char* const genn_arena, uint64_t timestep, ${time_type} t) {
${c.group_loop(mg)}\
        const uint32_t _slot = (uint32_t)(timestep % ${mg.get("num_delay_slots")});
${neuron.delay_offsets(mg, 8)}\
        uint32_t* const _spk = _a_spk + (uint64_t)_slot * ${n};
        uint32_t _spkCnt = 0;
%   for key in code.event_counts:
        _a_${key}[_slot] = 0u;
%   endfor
%   for key, words in code.event_records:
        memset(_a_${key} + (timestep % GENN_NUM_RECORDING_TIMESTEPS) * ${mg.get(words)}, 0, ${mg.get(words)} * sizeof(uint32_t));
%   endfor
%   if code.recording:
        uint32_t* const _rec = _a_recordSpk + (timestep % GENN_NUM_RECORDING_TIMESTEPS) * ${mg.get("record_words")};
        memset(_rec, 0, ${mg.get("record_words")} * sizeof(uint32_t));
%   endif
        const uint32_t _seedLo = GENN_SEED_LO, _seedHi = GENN_SEED_HI;
        (void)_seedLo; (void)_seedHi;
%   if code.rng_tile:
        uint32_t _block[4][GENN_RNG_TILE];
%   endif
%   if code.two_pass:
        uint32_t _spiked[GENN_RNG_TILE];
        for (uint32_t _first = 0; _first < ${n}; _first += GENN_RNG_TILE) {
            const uint32_t _count = genn_min_u32(GENN_RNG_TILE, ${n} - _first);
${neuron.prefetch(code, "_first", "_count", 12)}\
${neuron.call_state_pass(mg, 12)}\
<%call expr="neuron.flagged_spikes(mg, 12)">\
${emit_spike(code, 20)}\
</%call>\
        }
%   else:
        for (uint32_t id = 0; id < ${n}; id++) {
            const uint32_t _nid = id;
%     if code.rng_tile:
            if (id % GENN_RNG_TILE == 0u) {
${neuron.prefetch(code, "id", f"genn_min_u32(GENN_RNG_TILE, {n} - id)", 16)}\
            }
%     endif
${neuron.rng_start(code, "id % GENN_RNG_TILE", 12)}\
${neuron.state_update(mg, 12, False)}\
${neuron.events(mg, 12)}\
%     if code.threshold:
            if (${neuron.spike_test(code)}) {
${blocks.block(code.reset, 16)}\
${neuron.on_spike(code, 16)}\
${emit_spike(code, 16)}\
            }
%     endif
${neuron.store_registers(code.registers, 12)}\
        }
%   endif
        _a_spkCnt[_slot] = _spkCnt;
    }
}

% endfor
