from notetui.cli import main

main()
