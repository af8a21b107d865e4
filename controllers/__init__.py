from . import main, push
