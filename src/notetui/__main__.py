from notetui.cli.main import main

main()
