from desk.cli import app

app(prog_name="desk")
