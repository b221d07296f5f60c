<%doc> Initialisation: variables of neurons and synapses, SPARSE connectivity by row or by
column, and the column structure used by postsynaptic learning. </%doc>\
<%namespace name="blocks" file="/common/blocks.mako"/>\
<%namespace name="syn" file="/common/synapse.mako"/>\
<%namespace name="c" file="/c/common.mako"/>\
% for mg in ir.kernels["neuron_init"]:
static void neuron_init_${mg.index}(char* const genn_arena) {
${c.group_loop(mg)}\
        for (uint32_t id = 0; id < ${mg.get("num_neurons")}; id++) {
${syn.element_inits(mg.code, "id", 12)}\
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
${syn.element_inits(mg.code, "id_syn", 16)}\
            }
        }
    }
}

% endfor
% for mg in ir.kernels["connectivity_init"]:
<% code = mg.code %>\
%   if not code.by_row:
/* Columns add their synapses to rows at random places: a cache miss each, which the loop over
   a column's draws left one at a time.  The synapses are queued, and each batch is added in
   order in a tight loop whose misses overlap (10^8 synapses: 7.4 -> 2 s on a 2-core EPYC). */
static void connectivity_flush_${mg.index}(genn_column_batch_t* const _b, uint32_t* const _rowLength,
                                   ${code.index_type}* const _ind, const uint64_t _stride, uint32_t* const _overflow) {
    for (uint32_t _i = 0; _i < _b->n; _i++) {
        __builtin_prefetch(&_rowLength[_b->pre[_i]], 1);
    }
    for (uint32_t _i = 0; _i < _b->n; _i++) {
        const uint32_t _pre = _b->pre[_i];
        const uint32_t _r = _rowLength[_pre]++;
        if (_r < _stride) {
            _ind[(uint64_t)_pre * _stride + _r] = (${code.index_type})_b->post[_i];
        } else {
            *_overflow = 1u;
        }
    }
    _b->n = 0u;
}

%   endif
static void connectivity_init_${mg.index}(char* const genn_arena) {
${c.group_loop(mg)}\
%   if code.builds:
        uint32_t _overflow = 0u;
%   endif
%   if code.multinomial:
        {
${syn.multinomial_row_lengths(mg, 12)}\
        }
%   endif
%   if code.builds and code.bitmask:
        for (uint32_t id_pre = 0; id_pre < ${mg.get("num_pre")}; id_pre++) {
${syn.build_bitmask_row(mg, 12)}\
        }
%   elif code.builds and code.by_row:
        for (uint32_t id_pre = 0; id_pre < ${mg.get("num_pre")}; id_pre++) {
${syn.build_row(code, 12)}\
        }
%   elif code.builds:
        memset(_a_rowLength, 0, sizeof(uint32_t) * ${mg.get("num_pre")});
        genn_column_batch_t _batch;
        _batch.n = 0u;
#define GENN_COLUMN_ADD(source) ((void)(_batch.pre[_batch.n] = (source), _batch.post[_batch.n] = id_post, \
    (++_batch.n == GENN_COLUMN_BATCH) ? connectivity_flush_${mg.index}(&_batch, _a_rowLength, _a_ind, ${mg.get("row_stride")}, &_overflow) : (void)0))
        for (uint32_t id_post = 0; id_post < ${mg.get("num_post")}; id_post++) {
${syn.build_column(code, 12)}\
        }
#undef GENN_COLUMN_ADD
        connectivity_flush_${mg.index}(&_batch, _a_rowLength, _a_ind, ${mg.get("row_stride")}, &_overflow);
        for (uint32_t _i = 0; _i < ${mg.get("num_pre")}; _i++) {
            if (_a_rowLength[_i] > ${mg.get("row_stride")}) { _a_rowLength[_i] = ${mg.get("row_stride")}; }
        }
%   endif
%   if code.builds:
        if (_overflow) { _a_errors[${mg.get("error_slot")}] = 1u; }
%   endif
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
${syn.element_inits(mg.code, "id_syn", 16)}\
            }
        }
    }
}

% endfor
% for mg in ir.kernels["kernel_init"]:
/* Kernel weights ${mg.index}: one element per kernel position */
static void kernel_init_${mg.index}(char* const genn_arena) {
${c.group_loop(mg)}\
        for (uint32_t id_kernel = 0; id_kernel < ${mg.get("kernel_size")}; id_kernel++) {
${syn.element_inits(mg.code, "id_kernel", 12)}\
        }
    }
}

% endfor
