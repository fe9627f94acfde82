"""Writes the test pickles of src/test/data/pickles with a real NumPy (run: python3 make_pickles.py).

Feature pickles {video_id: ndarray [T, D]} as UniVL releases them, in each protocol and dtype the
reader accepts; one UniVL caption pickle with its split CSVs; and pickles the reader must refuse.
Array values: video i (0-based) of T rows and D columns holds (i + 1) * 0.5 + 0.25 * arange(T * D),
so the Java test can compute them. Nothing here is executed when the files are read.
"""
import os
import pickle
import sys
import warnings

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
SHAPES = {"vidA": (3, 4), "vid-B_2": (5, 4)}


def feats(dtype="<f4", fortran=False):
    out = {}
    for i, (vid, (t, d)) in enumerate(SHAPES.items()):
        a = ((i + 1) * 0.5 + 0.25 * np.arange(t * d, dtype=np.float64)).reshape(t, d).astype(dtype)
        out[vid] = np.asfortranarray(a) if fortran else a
    return out


def dump(name, obj, protocol):
    with open(os.path.join(here, name), "wb") as f:
        pickle.dump(obj, f, protocol=protocol)


for p in (2, 3, 4, 5):
    dump(f"feats-p{p}.pickle", feats(), p)
dump("feats-f16.pickle", feats("<f2"), 4)
dump("feats-f64.pickle", feats("<f8"), 4)
dump("feats-bigendian.pickle", feats(">f4"), 4)
dump("feats-fortran.pickle", feats(fortran=True), 2)

# the module name NumPy 1.x wrote (numpy.core), as in UniVL's 2020 release
with open(os.path.join(here, "feats-p2.pickle"), "rb") as f:
    p2 = f.read()
with open(os.path.join(here, "feats-numpy1.pickle"), "wb") as f:
    f.write(p2.replace(b"numpy._core.multiarray\n", b"numpy.core.multiarray\n"))

# a nested value where an array belongs, and an integer array
dump("feats-nested.pickle", {"vidA": {"feat": feats()["vidA"]}}, 4)
dump("feats-int.pickle", {"vidA": np.arange(12, dtype=np.int64).reshape(3, 4)}, 4)


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/taco-pickle-pwned",))


dump("evil-os-system.pickle", {"vidA": Evil()}, 4)

# UniVL's caption pickle (dataloaders/README.md of microsoft/UniVL): object arrays per video
captions = {
    "vidA": {"start": np.array([0.5, 2.0], dtype=object), "end": np.array([2.5, 3.0], dtype=object),
             "text": np.array(["add oil to the pan", "cut the onion"], dtype=object),
             "transcript": np.array(["NONE", "NONE"], dtype=object)},
    "vid-B_2": {"start": np.array([1], dtype=object), "end": np.array([4.5], dtype=object),
                "text": np.array(["whisk the eggs"], dtype=object),
                "transcript": np.array(["NONE"], dtype=object)},
}
os.makedirs(os.path.join(here, "univl"), exist_ok=True)
dump("univl/youcookii_data.pickle", captions, 4)
with open(os.path.join(here, "univl/youcookii_train.csv"), "w") as f:
    f.write("video_id,feature_file\nvidA,vidA\n")
with open(os.path.join(here, "univl/youcookii_val.csv"), "w") as f:
    f.write("video_id,feature_file\nvid-B_2,vid-B_2\n")
print("numpy", np.__version__, "python", sys.version.split()[0])

# a caption pickle with a NaN start and a string end, for the reader's errors
os.makedirs(os.path.join(here, "univl-nan"), exist_ok=True)
dump("univl-nan/youcookii_data.pickle",
     {"vidA": {"start": np.array([np.nan], dtype=object), "end": np.array([2.5], dtype=object),
               "text": np.array(["add oil"], dtype=object)}}, 4)
with open(os.path.join(here, "univl-nan/youcookii_train.csv"), "w") as f:
    f.write("video_id,feature_file\nvidA,vidA\n")
