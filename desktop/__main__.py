try:
    from desktop.app import main
except KeyboardInterrupt:  # Ctrl+C before the entry point is even loaded: nothing has started
    import sys

    print("deedbook: Interrupted; nothing was changed.", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
