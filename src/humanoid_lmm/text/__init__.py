"""text: the pretrained sentence encoder shared by the command gate, the motion model and the evaluator.

    from humanoid_lmm.text import SentenceEncoder
    enc = SentenceEncoder.load()                 # all-MiniLM-L6-v2 from the installed wheel, offline
    e = enc.encode(["wave your right hand"])      # (1, 384) float32, unit length
    h, mask = enc.token_states(["wave", "squat twice"])   # (2, L, 384) torch, (2, L) bool
"""

from humanoid_lmm.text.encoder import ENCODER_PACKAGE, SentenceEncoder, encoder_zip_path

__all__ = ["ENCODER_PACKAGE", "SentenceEncoder", "encoder_zip_path"]
