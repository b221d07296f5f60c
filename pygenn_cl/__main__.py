"""``python -m pygenn_cl devices``: list backends and devices."""
import sys


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("devices", "backends"):
        print("usage: python -m pygenn_cl devices")
        return 2
    from .backends import BACKENDS, availability, backend_class
    for name in BACKENDS:
        ok, why = availability(name)
        print(f"{name}: {'available' if ok else 'unavailable (' + why + ')'}")
        if ok:
            for line in backend_class(name).list_devices():
                print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
