from akkord.cli import main

main()
