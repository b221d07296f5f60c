<%doc>
The arena's header macros and the merged groups' structs, shared by every backend.
Context: header (codegen.arena: word offsets of the header), ir.
Each backend defines GENN_GLOBAL (the arena's address space, empty in C) and the atomics
genn_atomic_inc_u32 and genn_atomic_or_global_u32 (plain operations in the sequential C backend).
</%doc>\
<%def name="header_macros()">\
/* Arena header (uint64 words): ${", ".join(f"{name} at {word}" for name, word in header.WORDS)};
   then the merged-group tables, then the arrays. */
#define GENN_G ((const GENN_GLOBAL uint64_t*)genn_arena)
#define GENN_SEED_LO ((uint32_t)GENN_G[${header.SEED}])
#define GENN_SEED_HI ((uint32_t)(GENN_G[${header.SEED}] >> 32))
#define GENN_RNG_INIT(stream, element, step) \
    genn_rng_t _rng; genn_rng_init(&_rng, GENN_SEED_LO, GENN_SEED_HI, (stream), (element), (step))
#define GENN_NUM_RECORDING_TIMESTEPS (GENN_G[${header.NUM_RECORDING_TIMESTEPS}])
#define GENN_TIMERS ((GENN_GLOBAL double*)(genn_arena + ${header.TIMERS} * sizeof(uint64_t)))
#define GENN_TIMESTEP_BASE (GENN_G[${header.TIMESTEP_BASE}])
#define GENN_TABLE(k) (genn_arena + GENN_G[${header.TABLES} + (k)])
/* Run-time checks report the first failure here (genn_report_error in the dialect's preamble). */
#define GENN_ERRORS ((GENN_GLOBAL genn_error_t*)(genn_arena + ${header.ERRORS} * sizeof(uint64_t)))
#define GENN_APPEND_EVENT(cnt, spk, n, value) \
    ((spk)[(uint64_t)_slot * (n) + genn_atomic_inc_u32(&(cnt)[_slot])] = (value))
#define GENN_RECORD_EVENT(rec, words, id) \
    genn_atomic_or_global_u32(&(rec)[(timestep % GENN_NUM_RECORDING_TIMESTEPS) * (words) + (id) / 32u], \
                              1u << ((id) % 32u))
</%def>
<%def name="structs()">\
% for mg in ir.all_groups():
struct ${mg.struct_name} {
%   for f in mg.fields:
    ${f.struct_type.name} ${f.name};
%   endfor
};
% endfor
</%def>
<%doc> Local pointers to a merged group's arrays (``grp`` is the member's struct). </%doc>\
<%def name="pointers(mg, indent)">\
% for key, ctype in mg.arrays.items():
${" " * indent}GENN_GLOBAL ${ctype.name}* const _a_${key} = (GENN_GLOBAL ${ctype.name}*)GENN_ADDR(grp->${key});
% endfor
</%def>
