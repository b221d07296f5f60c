"""Built-in sparse connectivity initialisation snippets
(PyGeNN 5 ``init_sparse_connectivity_snippets``).

Row build code runs once per presynaptic neuron ``id_pre`` and calls
``addSynapse(j)`` for each postsynaptic target; column build code runs once
per postsynaptic neuron ``id_post`` and calls ``addSynapse(i)`` with
presynaptic sources.  The maximum row and column lengths are chosen, as in
PyGeNN, so that all rows (columns) fit with probability 0.9999.
"""
from __future__ import annotations

from math import log
import typing

from .model_spec import SparseConnectInitSnippet, create_sparse_connect_init_snippet
from .stats import binomial_inverse_cdf
from .validation import InvalidParameter

_QUANTILE = 0.9999


def _max_len(n_trials: int, prob: float, num_rows: int) -> int:
    """Length that ``num_rows`` independent Binomial(n_trials, prob) lengths all fit in
    with probability 0.9999."""
    num_rows = int(num_rows)
    if num_rows <= 0 or n_trials <= 0:
        return 0
    return binomial_inverse_cdf(_QUANTILE ** (1.0 / num_rows), int(n_trials), min(max(float(prob), 0.0), 1.0))


def _prob_log_recip(pars: typing.Mapping[str, typing.Any], dt: float) -> float:
    prob = float(pars["prob"])
    if not 0.0 <= prob <= 1.0:
        raise InvalidParameter(f"parameter 'prob' must be a probability from 0 to 1, not {pars['prob']!r}")
    if prob >= 1.0:
        return 0.0           # every skip is zero: connect to every target
    if prob <= 0.0:
        return -1e30         # every skip is huge: connect to nothing
    return 1.0 / log(1.0 - prob)


# Geometric skipping (Devroye's inversion): the gap to the next connection is
# floor(log(u) / log(1 - p)).  The skip is compared with the remaining targets
# while still a real number, so a huge skip never overflows the int.
_FIXED_PROB_ROW = (
    "int prevJ = -1;\n"
    "while (true) {\n"
    "    const scalar skip = log(gennrand_uniform()) * probLogRecip;\n"
    "    if (skip >= (scalar)num_post - (scalar)(prevJ + 1)) {\n"
    "        break;\n"
    "    }\n"
    "    prevJ += 1 + (int)skip;\n"
    "{ADD}"
    "}\n")


def Uninitialised() -> SparseConnectInitSnippet:
    """No initialisation: connections are set from Python (``set_sparse_connections``)."""
    return create_sparse_connect_init_snippet("Uninitialised")


def OneToOne() -> SparseConnectInitSnippet:
    """Presynaptic neuron ``i`` connects to postsynaptic neuron ``i``."""
    return create_sparse_connect_init_snippet(
        "OneToOne",
        row_build_code="addSynapse(id_pre + id_post_begin);\n",
        calc_max_row_len_func=lambda num_pre, num_post, pars: 1,
        calc_max_col_len_func=lambda num_pre, num_post, pars: 1)


def FixedProbability() -> SparseConnectInitSnippet:
    """Each pair is connected independently with probability ``prob``."""
    return create_sparse_connect_init_snippet(
        "FixedProbability",
        params=["prob"],
        derived_params=[("probLogRecip", _prob_log_recip)],
        row_build_code=_FIXED_PROB_ROW.replace(
            "{ADD}", "    addSynapse(prevJ + id_post_begin);\n"),
        calc_max_row_len_func=lambda num_pre, num_post, pars: _max_len(num_post, pars["prob"], num_pre),
        calc_max_col_len_func=lambda num_pre, num_post, pars: _max_len(num_pre, pars["prob"], num_post))


def FixedProbabilityNoAutapse() -> SparseConnectInitSnippet:
    """Like :func:`FixedProbability` but neuron ``i`` never connects to ``i``
    (for connections from a population to itself)."""
    return create_sparse_connect_init_snippet(
        "FixedProbabilityNoAutapse",
        params=["prob"],
        derived_params=[("probLogRecip", _prob_log_recip)],
        row_build_code=_FIXED_PROB_ROW.replace(
            "{ADD}",
            "    if (prevJ != (int)id_pre) {\n"
            "        addSynapse(prevJ + id_post_begin);\n"
            "    }\n"),
        calc_max_row_len_func=lambda num_pre, num_post, pars: _max_len(num_post, pars["prob"], num_pre),
        calc_max_col_len_func=lambda num_pre, num_post, pars: _max_len(num_pre, pars["prob"], num_post))


def _sorted_with_replacement_row(count: str) -> str:
    """Row code adding ``count`` targets drawn uniformly with replacement, in
    ascending order: successive minima of the remaining uniforms, each the
    first order statistic Beta(1, c) of ``c`` uniforms on what is left of [0, 1)."""
    return (
        "scalar x = 0.0;\n"
        f"for (unsigned int c = {count}; c != 0; c--) {{\n"
        "    x += (1.0 - x) * (1.0 - pow(gennrand_uniform(), 1.0 / (scalar)c));\n"
        "    unsigned int postIdx = (unsigned int)(x * (scalar)num_post);\n"
        "    postIdx = (postIdx < num_post) ? postIdx : (num_post - 1);\n"
        "    addSynapse(postIdx + id_post_begin);\n"
        "}\n")


def FixedNumberPostWithReplacement() -> SparseConnectInitSnippet:
    """Each presynaptic neuron makes ``num`` connections to targets drawn with replacement."""
    return create_sparse_connect_init_snippet(
        "FixedNumberPostWithReplacement",
        params=[("num", "unsigned int")],
        row_build_code=_sorted_with_replacement_row("num"),
        calc_max_row_len_func=lambda num_pre, num_post, pars: int(pars["num"]),
        calc_max_col_len_func=lambda num_pre, num_post, pars: _max_len(
            int(num_pre) * int(pars["num"]), 1.0 / int(num_post) if num_post else 0.0, num_post))


def FixedNumberTotalWithReplacement() -> SparseConnectInitSnippet:
    """``num`` connections in total, each between a pair drawn uniformly with replacement.

    The row lengths are a multinomial draw made by the generated code before
    rows are built (``row_length_multinomial_param``); each row then draws
    ``row_length`` sorted targets.
    """
    snippet = create_sparse_connect_init_snippet(
        "FixedNumberTotalWithReplacement",
        params=[("num", "unsigned int")],
        row_build_code=_sorted_with_replacement_row("row_length"),
        calc_max_row_len_func=lambda num_pre, num_post, pars: _max_len(
            int(pars["num"]), 1.0 / int(num_pre) if num_pre else 0.0, num_pre),
        calc_max_col_len_func=lambda num_pre, num_post, pars: _max_len(
            int(pars["num"]), 1.0 / int(num_post) if num_post else 0.0, num_post))
    snippet.row_length_multinomial_param = "num"
    return snippet


def FixedNumberPreWithReplacement() -> SparseConnectInitSnippet:
    """Each postsynaptic neuron receives ``num`` connections from sources drawn with replacement."""
    return create_sparse_connect_init_snippet(
        "FixedNumberPreWithReplacement",
        params=[("num", "unsigned int")],
        col_build_code=(
            "for (unsigned int c = 0; c < num; c++) {\n"
            "    unsigned int preIdx = (unsigned int)(gennrand_uniform() * (scalar)num_pre);\n"
            "    preIdx = (preIdx < num_pre) ? preIdx : (num_pre - 1);\n"
            "    addSynapse(preIdx + id_pre_begin);\n"
            "}\n"),
        calc_max_row_len_func=lambda num_pre, num_post, pars: _max_len(
            int(pars["num"]) * int(num_post), 1.0 / int(num_pre) if num_pre else 0.0, num_pre),
        calc_max_col_len_func=lambda num_pre, num_post, pars: int(pars["num"]))


_CONV2D_PARAMS = [("conv_kh", "int"), ("conv_kw", "int"), ("conv_sh", "int"), ("conv_sw", "int"),
                  ("conv_padh", "int"), ("conv_padw", "int"), ("conv_ih", "int"), ("conv_iw", "int"),
                  ("conv_ic", "int"), ("conv_oh", "int"), ("conv_ow", "int"), ("conv_oc", "int")]


def _ceil_div(a: int, b: int) -> int:
    return -(-int(a) // int(b))


def Conv2D() -> SparseConnectInitSnippet:
    """2D convolution: presynaptic neurons are an ``conv_ih x conv_iw x conv_ic`` image and
    postsynaptic neurons an ``conv_oh x conv_ow x conv_oc`` one, both stored row by row with
    the channel fastest (``id = (row * width + col) * channels + channel``).  Output pixel
    (r, c) sees the input window starting at (r * conv_sh - conv_padh, c * conv_sw - conv_padw)
    of ``conv_kh x conv_kw`` pixels; every input channel connects to every output channel.

    Each synapse is added with its kernel position (kernel row, kernel column, input
    channel, output channel) in a kernel of shape ``[conv_kh, conv_kw, conv_ic, conv_oc]``.
    """
    return create_sparse_connect_init_snippet(
        "Conv2D",
        params=_CONV2D_PARAMS,
        row_build_code=(
            "const int inPixel = (int)id_pre / conv_ic;\n"
            "const int inRow = inPixel / conv_iw;\n"
            "const int inCol = inPixel % conv_iw;\n"
            "const int inChan = (int)id_pre % conv_ic;\n"
            "for (int outRow = 0; outRow < conv_oh; outRow++) {\n"
            "    const int kernRow = inRow + conv_padh - (outRow * conv_sh);\n"
            "    if (kernRow >= 0 && kernRow < conv_kh) {\n"
            "        for (int outCol = 0; outCol < conv_ow; outCol++) {\n"
            "            const int kernCol = inCol + conv_padw - (outCol * conv_sw);\n"
            "            if (kernCol >= 0 && kernCol < conv_kw) {\n"
            "                for (int outChan = 0; outChan < conv_oc; outChan++) {\n"
            "                    const int idPost = (((outRow * conv_ow) + outCol) * conv_oc) + outChan;\n"
            "                    addSynapse(idPost, kernRow, kernCol, inChan, outChan);\n"
            "                }\n"
            "            }\n"
            "        }\n"
            "    }\n"
            "}\n"),
        calc_max_row_len_func=lambda num_pre, num_post, pars: (
            _ceil_div(pars["conv_kh"], pars["conv_sh"]) * _ceil_div(pars["conv_kw"], pars["conv_sw"])
            * int(pars["conv_oc"])),
        calc_kernel_size_func=lambda pars: [int(pars["conv_kh"]), int(pars["conv_kw"]), int(pars["conv_ic"]),
                                            int(pars["conv_oc"])])
