"""Portable benchmark suite of pygenn_cl: ``python -m pygenn_cl.bench``.

Suites (``--suite``, comma-separated):

``microcircuit``
    The Potjans & Diesmann (2014) cortical microcircuit (``examples/potjans_microcircuit.py``)
    at the chosen scale(s), spike recording on and off: cold and warm build, load, simulation
    wall time, real-time factor, synaptic events per second.
``scaling``
    A random LIF network (80 % excitatory, 20 % inhibitory, fixed in-degree) swept over
    N = 10^3 ... 10^6 neurons: wall time per biological second against neurons and synapses.
``recording``
    The recording-overhead experiment of the PyGeNN paper (Knight et al. 2021): spikes pulled
    from the device every step versus the spike recording system.
``peer``
    The same microcircuit in Brian2 (``cpp_standalone``, one thread), when Brian2 can be
    imported (it is never a dependency of pygenn_cl: ``pip install pygenn_cl[bench]``).
``peers`` (only when named)
    pygenn_cl against PyGeNN (``--pygenn-python``) and Brian2 (``--peer-python``), each
    measurement in a fresh process: the STDP network (1000 Poisson inputs, 100 LIF neurons, 100k
    DENSE plastic synapses, 10 s), LIF networks of 1000 and 10^6 neurons (load and simulation),
    the microcircuit (load and simulation) and a warm rebuild; ``pygenn_cl.bench.peers``.

The suite measures and reports; it never asserts on times.
"""
from .machine import device_descriptions, machine_description

__all__ = ["machine_description", "device_descriptions"]
