<%doc> Initialisation: variables of neurons and synapses, SPARSE connectivity by row or by
column, and the column structure used by postsynaptic learning. </%doc>\
<%namespace name="blocks" file="/common/blocks.mako"/>\
<%namespace name="syn" file="/common/synapse.mako"/>\
<%namespace name="c" file="/c/common.mako"/>\
% for mg in ir.kernels["neuron_init"]:
static void neuron_init_${mg.index}(char* const genn_arena) {
${c.group_loop(mg)}\
        for (uint32_t id = 0; id < ${mg.get("num_neurons")}; id++) {
${syn.var_inits(mg.code, "id", 12)}\
        }
    }
}

% endfor
% for mg in ir.kernels["dense_init"]:
static void dense_init_${mg.index}(char* const genn_arena) {
${c.group_loop(mg)}\
        for (uint32_t id_pre = 0; id_pre < ${mg.get("num_pre")}; id_pre++) {
            for (uint32_t id_post = 0; id_post < ${mg.get("num_post")}; id_post++) {
${syn.dense_element(mg, 16)}\
${syn.var_inits(mg.code, "id_syn", 16)}\
            }
        }
    }
}

% endfor
% for mg in ir.kernels["connectivity_init"]:
<% code = mg.code %>\
static void connectivity_init_${mg.index}(char* const genn_arena) {
${c.group_loop(mg)}\
        uint32_t _overflow = 0u;
%   if code.multinomial:
        {
${syn.multinomial_row_lengths(mg, 12)}\
        }
%   endif
%   if code.by_row:
        for (uint32_t id_pre = 0; id_pre < ${mg.get("num_pre")}; id_pre++) {
${syn.build_row(code, 12)}\
        }
%   else:
        memset(_a_rowLength, 0, sizeof(uint32_t) * ${mg.get("num_pre")});
        uint32_t _pre, _r;
        for (uint32_t id_post = 0; id_post < ${mg.get("num_post")}; id_post++) {
${syn.build_column(code, 12)}\
        }
        for (uint32_t _i = 0; _i < ${mg.get("num_pre")}; _i++) {
            if (_a_rowLength[_i] > ${mg.get("row_stride")}) { _a_rowLength[_i] = ${mg.get("row_stride")}; }
        }
%   endif
        if (_overflow) { _a_errors[${mg.get("error_slot")}] = 1u; }
    }
}

% endfor
% for mg in ir.kernels["connectivity_remap"]:
/* Column structure ${mg.index} (for postsynaptic learning) */
static void connectivity_remap_${mg.index}(char* const genn_arena) {
${c.group_loop(mg)}\
        uint32_t _overflow = 0u;
${c.build_columns(mg, "_overflow = 1u;")}\
        if (_overflow) { _a_errors[${mg.get("error_slot")}] = 1u; }
    }
}

% endfor
% for mg in ir.kernels["sparse_init"]:
static void sparse_init_${mg.index}(char* const genn_arena) {
${c.group_loop(mg)}\
        for (uint32_t id_pre = 0; id_pre < ${mg.get("num_pre")}; id_pre++) {
            const uint32_t _rowLength = _a_rowLength[id_pre];
            for (uint32_t _j = 0; _j < _rowLength; _j++) {
${syn.sparse_element(mg, "_j", 16)}\
                (void)id_post;
${syn.var_inits(mg.code, "id_syn", 16)}\
            }
        }
    }
}

% endfor
