from refdb.cli.main import run

run()
