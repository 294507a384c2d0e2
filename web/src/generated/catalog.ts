// Generated from the Rust schema by crate/src/catalog/tests.rs (`npm run generate`); do not edit.
import type { Catalog } from "./types.js";

/** What the core offers: `catalog()` without starting the worker. */
export const CATALOG: Catalog = {
  "icl": {
    "tasks": [
      {
        "kind": "linear",
        "title": "linear",
        "description": "Linear functions f(x) = wᵀx, w ~ N(0, I)",
        "fields": {},
        "defaults": {
          "kind": "linear"
        },
        "baselines": [
          "least_squares",
          "averaging",
          "gd"
        ]
      },
      {
        "kind": "sparse_linear",
        "title": "sparse linear",
        "description": "Sparse linear: only a few coordinates of w are non-zero",
        "fields": {
          "sparsity": {
            "min": 1.0,
            "max": 64.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": "dims",
            "label": "Non-zero coordinates s",
            "default": 3
          }
        },
        "defaults": {
          "kind": "sparse_linear",
          "sparsity": 3
        },
        "baselines": [
          "least_squares",
          "lasso"
        ]
      },
      {
        "kind": "noisy_linear",
        "title": "noisy linear",
        "description": "Linear with Gaussian noise on every output",
        "fields": {
          "noiseStd": {
            "min": 0.0,
            "max": 100.0,
            "minExclusive": false,
            "integer": false,
            "maxOf": null,
            "label": "Output noise σ",
            "default": 1.0
          }
        },
        "defaults": {
          "kind": "noisy_linear",
          "noiseStd": 1.0
        },
        "baselines": [
          "least_squares",
          "bayes_ridge"
        ]
      },
      {
        "kind": "relu_net",
        "title": "2-layer ReLU net",
        "description": "Two-layer ReLU networks with 100 hidden units",
        "fields": {},
        "defaults": {
          "kind": "relu_net"
        },
        "baselines": [
          "relu_net",
          "knn",
          "averaging"
        ]
      },
      {
        "kind": "decision_tree",
        "title": "decision tree",
        "description": "Depth-4 decision trees splitting on the sign of a coordinate",
        "fields": {},
        "defaults": {
          "kind": "decision_tree"
        },
        "baselines": [
          "tree",
          "knn"
        ]
      },
      {
        "kind": "ill_conditioned",
        "title": "ill-conditioned linear",
        "description": "Linear with ill-conditioned input covariance (Fu et al.)",
        "fields": {
          "conditionNumber": {
            "min": 1.0,
            "max": 100000000.0,
            "minExclusive": false,
            "integer": false,
            "maxOf": null,
            "label": "Condition number κ",
            "default": 100.0
          }
        },
        "defaults": {
          "conditionNumber": 100.0,
          "kind": "ill_conditioned"
        },
        "baselines": [
          "least_squares",
          "newton",
          "gd"
        ]
      },
      {
        "kind": "quadratic",
        "title": "quadratic",
        "description": "Quadratic functions f(x) = Σ wᵢ xᵢ² / √3, w ~ N(0, I)",
        "fields": {},
        "defaults": {
          "kind": "quadratic"
        },
        "baselines": [
          "least_squares",
          "knn"
        ]
      }
    ],
    "models": [
      {
        "kind": "transformer",
        "title": "transformer",
        "shortTitle": "transformer",
        "depthUnit": "layers",
        "usesXlstmRatio": false,
        "usesActivation": true,
        "presets": {
          "small": {
            "layers": 6,
            "dModel": 128,
            "heads": 4
          },
          "tiny": {
            "layers": 3,
            "dModel": 64,
            "heads": 2
          }
        }
      },
      {
        "kind": "xlstm",
        "title": "xLSTM (mLSTM + sLSTM)",
        "shortTitle": "xLSTM",
        "depthUnit": "blocks",
        "usesXlstmRatio": true,
        "usesActivation": false,
        "presets": {
          "small": {
            "layers": 6,
            "dModel": 128,
            "heads": 4
          },
          "tiny": {
            "layers": 4,
            "dModel": 64,
            "heads": 4
          }
        }
      }
    ],
    "presets": [
      "tiny",
      "small"
    ],
    "tokens": [
      "interleaved",
      "paired"
    ],
    "activations": [
      "gelu_tanh",
      "gelu",
      "relu"
    ],
    "devices": [
      "auto",
      "webgpu",
      "cpu"
    ],
    "baselines": [
      "zero",
      "least_squares",
      "ridge",
      "knn",
      "averaging",
      "lasso",
      "gd",
      "newton",
      "relu_net",
      "tree",
      "boosted_trees",
      "dmmse",
      "bayes_ridge"
    ],
    "baselineRoles": {
      "always": [
        "zero"
      ],
      "needsPool": [
        "dmmse"
      ],
      "fitsPerPrompt": [
        "relu_net",
        "boosted_trees"
      ],
      "memorizing": "dmmse",
      "learning": "bayes_ridge"
    },
    "tokensPerExample": {
      "interleaved": 2,
      "paired": 1
    },
    "probes": [
      "none",
      "skewed",
      "random_quadrants",
      "opposite_quadrants",
      "scaled",
      "noisy"
    ],
    "probeAliases": {
      "orthant": "opposite_quadrants"
    },
    "probeParameters": {
      "noisy": "probeNoise",
      "scaled": "probeScale"
    },
    "evalTasks": [
      "fresh",
      "pool"
    ],
    "session": {
      "batchSize": {
        "min": 1.0,
        "max": 4096.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 64
      },
      "dModel": {
        "min": 4.0,
        "max": 1024.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": null
      },
      "decaySteps": {
        "min": 0.0,
        "max": 100000000.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 0
      },
      "dims": {
        "min": 1.0,
        "max": 64.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 5
      },
      "gradClip": {
        "min": 0.0,
        "max": null,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 1.0
      },
      "heads": {
        "min": 1.0,
        "max": 32.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": null
      },
      "layers": {
        "min": 1.0,
        "max": 24.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": null
      },
      "learningRate": {
        "min": 0.0,
        "max": 1.0,
        "minExclusive": true,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.001
      },
      "points": {
        "min": 1.0,
        "max": 256.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 11
      },
      "seed": {
        "min": 0.0,
        "max": 4294967295.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 0
      },
      "taskPool": {
        "min": 1.0,
        "max": 1048576.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": null
      },
      "warmupSteps": {
        "min": 0.0,
        "max": 1000000.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 100
      },
      "xlstmRatio": {
        "min": 0.0,
        "max": 16.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": [
          1,
          1
        ]
      }
    },
    "defaults": {
      "task": {
        "kind": "linear"
      },
      "model": "transformer",
      "preset": "tiny",
      "tokens": "interleaved",
      "layers": null,
      "xlstmRatio": [
        1,
        1
      ],
      "activation": "gelu_tanh",
      "dModel": null,
      "heads": null,
      "dims": 5,
      "points": 11,
      "batchSize": 64,
      "learningRate": 0.001,
      "warmupSteps": 100,
      "decaySteps": 0,
      "curriculum": null,
      "gradClip": 1.0,
      "taskPool": null,
      "device": "auto",
      "seed": 0
    },
    "fromScratch": {
      "task": {
        "kind": "linear"
      },
      "model": "transformer",
      "preset": "tiny",
      "tokens": "paired",
      "layers": 6,
      "xlstmRatio": [
        1,
        1
      ],
      "activation": "relu",
      "dModel": 32,
      "heads": 2,
      "dims": 5,
      "points": 11,
      "batchSize": 64,
      "learningRate": 0.004,
      "warmupSteps": 100,
      "decaySteps": 2000,
      "curriculum": null,
      "gradClip": 1.0,
      "taskPool": null,
      "device": "auto",
      "seed": 0
    },
    "evaluation": {
      "examples": {
        "min": 0.0,
        "max": 64.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 0
      },
      "probeNoise": {
        "min": 0.0,
        "max": 100.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "σ =",
        "default": 1.0
      },
      "probeScale": {
        "min": 0.0,
        "max": 100.0,
        "minExclusive": true,
        "integer": false,
        "maxOf": null,
        "label": "×",
        "default": 2.0
      },
      "prompts": {
        "min": 1.0,
        "max": 20000.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 1280
      }
    },
    "evalDefaults": {
      "prompts": 1280,
      "probe": "none",
      "probeScale": 2.0,
      "probeNoise": 1.0,
      "baselines": [
        "least_squares"
      ],
      "options": {
        "ridgeAlpha": 0.1,
        "knnNeighbors": 3,
        "lassoAlpha": 0.01,
        "lassoSweeps": 10000,
        "gdSteps": 10,
        "newtonSteps": 20,
        "netHidden": 100,
        "netSteps": 100,
        "netLearningRate": 0.005,
        "treeDepth": 4,
        "boostRounds": 50,
        "boostLearningRate": 0.3
      },
      "seed": null,
      "examples": 0,
      "tasks": "fresh"
    },
    "layers": {
      "fitPrompts": {
        "min": 16.0,
        "max": 8192.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 1024
      },
      "gdMax": {
        "min": 1.0,
        "max": 1048576.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 65536
      },
      "gdStep": {
        "min": 0.0,
        "max": 10.0,
        "minExclusive": true,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.01
      },
      "newtonMax": {
        "min": 1.0,
        "max": 100.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 24
      },
      "probeRidge": {
        "min": 0.0,
        "max": 1.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.0001
      },
      "prompts": {
        "min": 16.0,
        "max": 4096.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 512
      }
    },
    "answer": {
      "queries": {
        "min": 1.0,
        "max": 2000.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": null
      },
      "table": {
        "min": 0.0,
        "max": 200000.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": null
      },
      "value": {
        "min": -10000.0,
        "max": 10000.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": null
      }
    },
    "typicalRange": [
      -1.96,
      1.96
    ]
  },
  "classify": {
    "backbones": [
      "attention_only",
      "transformer",
      "xlstm"
    ],
    "defaults": {
      "task": {
        "dims": 32,
        "classes": 128,
        "labels": 16,
        "pairs": 4,
        "burstiness": 1,
        "noise": 0.1,
        "zipf": 0.0,
        "burstyProb": 1.0,
        "novelProb": 0.0
      },
      "backbone": "attention_only",
      "layers": 2,
      "hidden": 128,
      "dModel": 64,
      "heads": 1,
      "learningRate": 0.05,
      "batchSize": 128,
      "weightDecay": 0.0,
      "device": "auto",
      "seed": 0
    },
    "task": {
      "burstiness": {
        "min": 1.0,
        "max": 64.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 1
      },
      "burstyProb": {
        "min": 0.0,
        "max": 1.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 1.0
      },
      "classes": {
        "min": 2.0,
        "max": 65536.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 128
      },
      "dims": {
        "min": 2.0,
        "max": 256.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 32
      },
      "labels": {
        "min": 2.0,
        "max": 256.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 16
      },
      "noise": {
        "min": 0.0,
        "max": 10.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.1
      },
      "novelProb": {
        "min": 0.0,
        "max": 1.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.0
      },
      "pairs": {
        "min": 1.0,
        "max": 64.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 4
      },
      "zipf": {
        "min": 0.0,
        "max": 4.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.0
      }
    },
    "fields": {
      "batchSize": {
        "min": 1.0,
        "max": 4096.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 128
      },
      "dModel": {
        "min": 2.0,
        "max": 512.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 64
      },
      "heads": {
        "min": 1.0,
        "max": 16.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 1
      },
      "hidden": {
        "min": 1.0,
        "max": 1024.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 128
      },
      "layers": {
        "min": 1.0,
        "max": 8.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 2
      },
      "learningRate": {
        "min": 0.0,
        "max": 10.0,
        "minExclusive": true,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.05
      },
      "seed": {
        "min": 0.0,
        "max": 4294967295.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 0
      },
      "weightDecay": {
        "min": 0.0,
        "max": 1.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.0
      }
    },
    "prompts": {
      "min": 1.0,
      "max": 20000.0,
      "minExclusive": false,
      "integer": true,
      "maxOf": null,
      "label": ""
    }
  },
  "continual": {
    "defaults": {
      "dataset": {
        "kind": "two_d",
        "shape": "blobs",
        "classes": 6,
        "perClass": 200,
        "noise": 0.2,
        "seed": 0
      },
      "scenario": {
        "kind": "class_incremental",
        "classesPerTask": 2
      },
      "strategy": "naive",
      "bufferSize": 200,
      "bufferPolicy": "reservoir",
      "regularization": null,
      "lwfAlpha": 1.0,
      "temperature": 2.0,
      "rehearsalExponent": 1.0,
      "perturbStd": 0.001,
      "replacementRate": 0.001,
      "maturity": 100,
      "utilityDecay": 0.99,
      "embedding": "raw",
      "features": 256,
      "ridge": 0.01,
      "hidden": [
        64,
        64
      ],
      "learningRate": 0.005,
      "batchSize": 32,
      "iterationsPerTask": 200,
      "evalEvery": 5,
      "device": "cpu",
      "seed": 0
    },
    "datasets": [
      {
        "kind": "two_d",
        "title": "2-D points",
        "description": "2-D points (decision regions can be drawn)",
        "fields": {
          "classes": {
            "min": 2.0,
            "max": 10.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": null,
            "label": "",
            "default": 4
          },
          "noise": {
            "min": 0.0,
            "max": 3.0,
            "minExclusive": false,
            "integer": false,
            "maxOf": null,
            "label": "",
            "default": 0.2
          },
          "perClass": {
            "min": 1.0,
            "max": 10000.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": null,
            "label": "",
            "default": 200
          }
        },
        "defaults": {
          "classes": 4,
          "kind": "two_d",
          "noise": 0.2,
          "perClass": 200,
          "seed": 0,
          "shape": "blobs"
        }
      },
      {
        "kind": "digits",
        "title": "digits",
        "description": "Handwritten digits, 14×14 (MNIST)",
        "fields": {
          "perClass": {
            "min": 1.0,
            "max": 800.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": null,
            "label": "",
            "default": 200
          },
          "testPerClass": {
            "min": 1.0,
            "max": 200.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": null,
            "label": "",
            "default": 100
          }
        },
        "defaults": {
          "kind": "digits",
          "perClass": 200,
          "seed": 0,
          "testPerClass": 100
        }
      }
    ],
    "shapes": [
      "blobs",
      "moons",
      "circles",
      "spirals",
      "xor"
    ],
    "scenarios": [
      {
        "kind": "class_incremental",
        "title": "class-incremental",
        "description": "Classes in groups, one task each, one shared head",
        "fields": {
          "classesPerTask": {
            "min": 1.0,
            "max": 10.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": null,
            "label": "",
            "default": 2
          }
        },
        "defaults": {
          "classesPerTask": 2,
          "kind": "class_incremental"
        }
      },
      {
        "kind": "task_incremental",
        "title": "task-incremental",
        "description": "The same groups; the task is known, one head each",
        "fields": {
          "classesPerTask": {
            "min": 1.0,
            "max": 10.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": null,
            "label": "",
            "default": 2
          }
        },
        "defaults": {
          "classesPerTask": 2,
          "kind": "task_incremental"
        }
      },
      {
        "kind": "permuted",
        "title": "permuted inputs",
        "description": "Every class in every task; task t permutes the inputs",
        "fields": {
          "tasks": {
            "min": 1.0,
            "max": 400.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": null,
            "label": "",
            "default": 4
          }
        },
        "defaults": {
          "kind": "permuted",
          "tasks": 4
        }
      },
      {
        "kind": "rotated",
        "title": "rotated inputs",
        "description": "Every class in every task; task t rotates the inputs",
        "fields": {
          "maxDegrees": {
            "min": 0.0,
            "max": 360.0,
            "minExclusive": false,
            "integer": false,
            "maxOf": null,
            "label": "",
            "default": 90.0
          },
          "tasks": {
            "min": 1.0,
            "max": 400.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": null,
            "label": "",
            "default": 4
          }
        },
        "defaults": {
          "kind": "rotated",
          "maxDegrees": 90.0,
          "tasks": 4
        }
      },
      {
        "kind": "blurry",
        "title": "blurry boundaries",
        "description": "Class-incremental with a share of each task in others",
        "fields": {
          "blur": {
            "min": 0.0,
            "max": 1.0,
            "minExclusive": false,
            "integer": false,
            "maxOf": null,
            "label": "",
            "default": 0.1
          },
          "classesPerTask": {
            "min": 1.0,
            "max": 10.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": null,
            "label": "",
            "default": 2
          }
        },
        "defaults": {
          "blur": 0.1,
          "classesPerTask": 2,
          "kind": "blurry"
        }
      },
      {
        "kind": "reoccurring",
        "title": "re-occurring tasks",
        "description": "Tasks come back, by a power law or in a cycle",
        "fields": {
          "classesPerTask": {
            "min": 1.0,
            "max": 10.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": null,
            "label": "",
            "default": 2
          },
          "exponent": {
            "min": 0.0,
            "max": 5.0,
            "minExclusive": false,
            "integer": false,
            "maxOf": null,
            "label": "",
            "default": 1.0
          },
          "segments": {
            "min": 1.0,
            "max": 200.0,
            "minExclusive": false,
            "integer": true,
            "maxOf": null,
            "label": "",
            "default": 8
          }
        },
        "defaults": {
          "classesPerTask": 2,
          "exponent": 1.0,
          "kind": "reoccurring",
          "schedule": "power_law",
          "segments": 8
        }
      }
    ],
    "schedules": [
      "cycle",
      "power_law"
    ],
    "strategies": [
      {
        "kind": "naive",
        "title": "Naive fine-tuning",
        "readsOnce": false,
        "unlearns": false,
        "note": null,
        "settings": []
      },
      {
        "kind": "joint",
        "title": "Joint (upper bound)",
        "readsOnce": false,
        "unlearns": false,
        "note": "Joint is the upper bound, not a continual learner: it trains on every task's data from step 0, so its curves for later tasks rise from the start instead of waiting for their turn.",
        "settings": []
      },
      {
        "kind": "replay",
        "title": "Replay",
        "readsOnce": false,
        "unlearns": false,
        "note": null,
        "settings": [
          {
            "name": "bufferSize",
            "key": "bufferSize",
            "label": "Memory (examples)",
            "field": {
              "min": 0.0,
              "max": 100000.0,
              "minExclusive": false,
              "integer": true,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 200
          },
          {
            "name": "bufferPolicy",
            "key": "bufferPolicy",
            "label": "Buffer",
            "field": null,
            "choices": [
              {
                "value": "reservoir",
                "title": "reservoir"
              },
              {
                "value": "class_balanced",
                "title": "class-balanced"
              }
            ],
            "default": "reservoir"
          }
        ]
      },
      {
        "kind": "power_law_replay",
        "title": "Power-law rehearsal",
        "readsOnce": false,
        "unlearns": false,
        "note": null,
        "settings": [
          {
            "name": "bufferSize",
            "key": "bufferSize",
            "label": "Memory (examples)",
            "field": {
              "min": 0.0,
              "max": 100000.0,
              "minExclusive": false,
              "integer": true,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 200
          },
          {
            "name": "rehearsalExponent",
            "key": "rehearsalExponent",
            "label": "Revisit exponent",
            "field": {
              "min": 0.0,
              "max": 5.0,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 1.0
          }
        ]
      },
      {
        "kind": "l2",
        "title": "L2 to previous weights",
        "readsOnce": false,
        "unlearns": false,
        "note": null,
        "settings": [
          {
            "name": "l2Lambda",
            "key": "regularization",
            "label": "L2 λ",
            "field": {
              "min": 0.0,
              "max": 1000000000.0,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 0.01
          }
        ]
      },
      {
        "kind": "ewc",
        "title": "EWC",
        "readsOnce": false,
        "unlearns": false,
        "note": null,
        "settings": [
          {
            "name": "ewcLambda",
            "key": "regularization",
            "label": "EWC λ",
            "field": {
              "min": 0.0,
              "max": 1000000000.0,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 1000.0
          }
        ]
      },
      {
        "kind": "si",
        "title": "Synaptic Intelligence",
        "readsOnce": false,
        "unlearns": false,
        "note": null,
        "settings": [
          {
            "name": "siLambda",
            "key": "regularization",
            "label": "SI λ (c)",
            "field": {
              "min": 0.0,
              "max": 1000000000.0,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 0.1
          }
        ]
      },
      {
        "kind": "weight_decay",
        "title": "L2 toward zero (weight decay)",
        "readsOnce": false,
        "unlearns": false,
        "note": null,
        "settings": [
          {
            "name": "decayLambda",
            "key": "regularization",
            "label": "Weight decay λ",
            "field": {
              "min": 0.0,
              "max": 1000000000.0,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 0.0001
          }
        ]
      },
      {
        "kind": "shrink_perturb",
        "title": "Shrink and perturb",
        "readsOnce": false,
        "unlearns": false,
        "note": null,
        "settings": [
          {
            "name": "decayLambda",
            "key": "regularization",
            "label": "Weight decay λ",
            "field": {
              "min": 0.0,
              "max": 1000000000.0,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 0.0001
          },
          {
            "name": "perturbStd",
            "key": "perturbStd",
            "label": "Noise σ",
            "field": {
              "min": 0.0,
              "max": 1.0,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 0.001
          }
        ]
      },
      {
        "kind": "continual_backprop",
        "title": "Continual backprop",
        "readsOnce": false,
        "unlearns": false,
        "note": null,
        "settings": [
          {
            "name": "replacementRate",
            "key": "replacementRate",
            "label": "Replacement rate ρ",
            "field": {
              "min": 0.0,
              "max": 0.1,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 0.001
          },
          {
            "name": "maturity",
            "key": "maturity",
            "label": "Maturity (steps)",
            "field": {
              "min": 1.0,
              "max": 1000000.0,
              "minExclusive": false,
              "integer": true,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 100
          },
          {
            "name": "utilityDecay",
            "key": "utilityDecay",
            "label": "Utility decay η",
            "field": {
              "min": 0.0,
              "max": 0.9999,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 0.99
          }
        ]
      },
      {
        "kind": "lwf",
        "title": "LwF (distillation)",
        "readsOnce": false,
        "unlearns": false,
        "note": null,
        "settings": [
          {
            "name": "lwfAlpha",
            "key": "lwfAlpha",
            "label": "LwF α",
            "field": {
              "min": 0.0,
              "max": 1000.0,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 1.0
          },
          {
            "name": "temperature",
            "key": "temperature",
            "label": "LwF temperature",
            "field": {
              "min": 0.1,
              "max": 100.0,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 2.0
          }
        ]
      },
      {
        "kind": "ncm",
        "title": "Nearest class mean",
        "readsOnce": true,
        "unlearns": false,
        "note": null,
        "settings": [
          {
            "name": "embedding",
            "key": "embedding",
            "label": "Features",
            "field": null,
            "choices": [
              {
                "value": "raw",
                "title": "raw inputs"
              },
              {
                "value": "frozen",
                "title": "frozen random MLP"
              },
              {
                "value": "learned",
                "title": "MLP trained on task 1"
              }
            ],
            "default": "raw"
          }
        ]
      },
      {
        "kind": "protonet",
        "title": "Prototypical network",
        "readsOnce": false,
        "unlearns": false,
        "note": null,
        "settings": []
      },
      {
        "kind": "slda",
        "title": "Streaming LDA",
        "readsOnce": true,
        "unlearns": false,
        "note": null,
        "settings": [
          {
            "name": "embedding",
            "key": "embedding",
            "label": "Features",
            "field": null,
            "choices": [
              {
                "value": "raw",
                "title": "raw inputs"
              },
              {
                "value": "frozen",
                "title": "frozen random MLP"
              },
              {
                "value": "learned",
                "title": "MLP trained on task 1"
              }
            ],
            "default": "raw"
          }
        ]
      },
      {
        "kind": "analytic",
        "title": "Analytic head (RLS)",
        "readsOnce": true,
        "unlearns": true,
        "note": null,
        "settings": [
          {
            "name": "embedding",
            "key": "embedding",
            "label": "Features",
            "field": null,
            "choices": [
              {
                "value": "raw",
                "title": "raw inputs"
              },
              {
                "value": "frozen",
                "title": "frozen random MLP"
              },
              {
                "value": "learned",
                "title": "MLP trained on task 1"
              }
            ],
            "default": "raw"
          },
          {
            "name": "features",
            "key": "features",
            "label": "Random features",
            "field": {
              "min": 1.0,
              "max": 4096.0,
              "minExclusive": false,
              "integer": true,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 256
          },
          {
            "name": "ridge",
            "key": "ridge",
            "label": "Ridge γ",
            "field": {
              "min": 1e-8,
              "max": 1000000.0,
              "minExclusive": false,
              "integer": false,
              "maxOf": null,
              "label": ""
            },
            "choices": null,
            "default": 0.01
          }
        ]
      }
    ],
    "compare": "replay",
    "bufferPolicies": [
      "reservoir",
      "class_balanced"
    ],
    "embeddings": [
      "raw",
      "frozen",
      "learned"
    ],
    "minFeatures": {
      "blurry": 1,
      "class_incremental": 1,
      "permuted": 3,
      "reoccurring": 1,
      "rotated": 1,
      "task_incremental": 1
    },
    "features": {
      "two_d": 2
    },
    "assets": {
      "digits": "digits.bin"
    },
    "fields": {
      "batchSize": {
        "min": 1.0,
        "max": 4096.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 32
      },
      "bufferSize": {
        "min": 0.0,
        "max": 100000.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 200
      },
      "evalEvery": {
        "min": 1.0,
        "max": 1000000.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 5
      },
      "features": {
        "min": 1.0,
        "max": 4096.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 256
      },
      "hidden": {
        "min": 1.0,
        "max": 4096.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": [
          64,
          64
        ]
      },
      "iterationsPerTask": {
        "min": 1.0,
        "max": 1000000.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 200
      },
      "learningRate": {
        "min": 0.0,
        "max": 1.0,
        "minExclusive": true,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.005
      },
      "lwfAlpha": {
        "min": 0.0,
        "max": 1000.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 1.0
      },
      "maturity": {
        "min": 1.0,
        "max": 1000000.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 100
      },
      "perturbStd": {
        "min": 0.0,
        "max": 1.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.001
      },
      "regularization": {
        "min": 0.0,
        "max": 1000000000.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": null
      },
      "rehearsalExponent": {
        "min": 0.0,
        "max": 5.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 1.0
      },
      "replacementRate": {
        "min": 0.0,
        "max": 0.1,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.001
      },
      "ridge": {
        "min": 1e-8,
        "max": 1000000.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.01
      },
      "seed": {
        "min": 0.0,
        "max": 4294967295.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "",
        "default": 0
      },
      "temperature": {
        "min": 0.1,
        "max": 100.0,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 2.0
      },
      "utilityDecay": {
        "min": 0.0,
        "max": 0.9999,
        "minExclusive": false,
        "integer": false,
        "maxOf": null,
        "label": "",
        "default": 0.99
      }
    },
    "federated": {
      "defaults": {
        "learner": "ncm",
        "run": {
          "dataset": {
            "kind": "two_d",
            "shape": "blobs",
            "classes": 6,
            "perClass": 200,
            "noise": 0.2,
            "seed": 0
          },
          "scenario": {
            "kind": "class_incremental",
            "classesPerTask": 2
          },
          "strategy": "naive",
          "bufferSize": 200,
          "bufferPolicy": "reservoir",
          "regularization": null,
          "lwfAlpha": 1.0,
          "temperature": 2.0,
          "rehearsalExponent": 1.0,
          "perturbStd": 0.001,
          "replacementRate": 0.001,
          "maturity": 100,
          "utilityDecay": 0.99,
          "embedding": "raw",
          "features": 256,
          "ridge": 0.01,
          "hidden": [
            64,
            64
          ],
          "learningRate": 0.005,
          "batchSize": 32,
          "iterationsPerTask": 200,
          "evalEvery": 5,
          "device": "cpu",
          "seed": 0
        },
        "clients": 3,
        "split": "disjoint",
        "rounds": 5
      },
      "learners": [
        {
          "kind": "ncm",
          "title": "nearest class mean (prototypes)",
          "travels": true
        },
        {
          "kind": "slda",
          "title": "streaming LDA (prototypes and a shared covariance)",
          "travels": true
        },
        {
          "kind": "analytic",
          "title": "analytic head (ridge regression on a random expansion)",
          "travels": false
        }
      ],
      "splits": [
        {
          "value": "disjoint",
          "title": "disjoint: every class to one client"
        },
        {
          "value": "overlapping",
          "title": "overlapping: each client also learns one of the next client's classes"
        }
      ],
      "embeddings": [
        "raw",
        "frozen"
      ],
      "fields": {
        "clients": {
          "min": 2.0,
          "max": 8.0,
          "minExclusive": false,
          "integer": true,
          "maxOf": null,
          "label": "",
          "default": 3
        },
        "rounds": {
          "min": 0.0,
          "max": 1000.0,
          "minExclusive": false,
          "integer": true,
          "maxOf": null,
          "label": "",
          "default": 5
        }
      },
      "shareFormat": "iclab/federated-share/1"
    },
    "table": {
      "kind": "table",
      "title": "your table",
      "description": "Your own table: CSV, numeric features, the label last",
      "fields": {
        "testShare": {
          "min": 0.0,
          "max": 0.9,
          "minExclusive": true,
          "integer": false,
          "maxOf": null,
          "label": "",
          "default": 0.2
        }
      },
      "defaults": {
        "csv": "",
        "kind": "table",
        "order": [],
        "seed": 0,
        "testShare": 0.2
      }
    },
    "tableLimits": {
      "rows": 20000,
      "features": 784,
      "classes": 20
    },
    "plasticity": {
      "defaults": {
        "dataset": {
          "kind": "digits",
          "perClass": 100,
          "testPerClass": 20,
          "seed": 0
        },
        "scenario": {
          "kind": "permuted",
          "tasks": 100
        },
        "strategy": "naive",
        "bufferSize": 200,
        "bufferPolicy": "reservoir",
        "regularization": null,
        "lwfAlpha": 1.0,
        "temperature": 2.0,
        "rehearsalExponent": 1.0,
        "perturbStd": 0.001,
        "replacementRate": 0.001,
        "maturity": 100,
        "utilityDecay": 0.99,
        "embedding": "raw",
        "features": 256,
        "ridge": 0.01,
        "hidden": [
          32,
          32
        ],
        "learningRate": 0.01,
        "batchSize": 32,
        "iterationsPerTask": 100,
        "evalEvery": 1000000,
        "device": "cpu",
        "seed": 0
      },
      "strategies": [
        "naive",
        "weight_decay",
        "shrink_perturb",
        "continual_backprop"
      ]
    }
  },
  "markov": {
    "defaults": {
      "task": {
        "states": 3,
        "alpha": 1.0,
        "length": 64,
        "order": 2
      },
      "backbone": "attention_only",
      "width": 16,
      "layers": 2,
      "learningRate": 0.001,
      "batchSize": 32,
      "evalSequences": 256,
      "device": "auto",
      "seed": 0
    },
    "task": {
      "alpha": {
        "min": 0.0,
        "max": 100.0,
        "minExclusive": true,
        "integer": false,
        "maxOf": null,
        "label": "Dirichlet α",
        "default": 1.0
      },
      "length": {
        "min": 8.0,
        "max": 256.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "Sequence length T",
        "default": 64
      },
      "order": {
        "min": 2.0,
        "max": 3.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "n-gram order n",
        "default": 2
      },
      "states": {
        "min": 2.0,
        "max": 8.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "States k",
        "default": 3
      }
    },
    "fields": {
      "batchSize": {
        "min": 1.0,
        "max": 512.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "Batch size",
        "default": 32
      },
      "evalSequences": {
        "min": 16.0,
        "max": 4096.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "Test sequences",
        "default": 256
      },
      "layers": {
        "min": 1.0,
        "max": 4.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "Layers",
        "default": 2
      },
      "learningRate": {
        "min": 0.0,
        "max": 1.0,
        "minExclusive": true,
        "integer": false,
        "maxOf": null,
        "label": "Learning rate",
        "default": 0.001
      },
      "width": {
        "min": 4.0,
        "max": 128.0,
        "minExclusive": false,
        "integer": true,
        "maxOf": null,
        "label": "Width",
        "default": 16
      }
    },
    "backbones": [
      {
        "value": "attention_only",
        "title": "attention-only (the paper's)"
      },
      {
        "value": "transformer",
        "title": "transformer (GPT-2 style)"
      },
      {
        "value": "xlstm",
        "title": "xLSTM (mLSTM + sLSTM)"
      }
    ],
    "rules": [
      {
        "value": "uniform",
        "title": "uniform"
      },
      {
        "value": "unigram",
        "title": "unigram (state counts)"
      },
      {
        "value": "bigram",
        "title": "bigram (transition counts, Bayes-optimal)"
      },
      {
        "value": "oracle",
        "title": "true transitions"
      }
    ],
    "stages": [
      "uniform",
      "unigram",
      "bigram",
      "between"
    ]
  },
  "titles": {
    "models": {
      "transformer": "transformer",
      "xlstm": "xLSTM (mLSTM + sLSTM)"
    },
    "classifyBackbones": {
      "attention_only": "attention-only (Reddy's)",
      "transformer": "transformer",
      "xlstm": "xLSTM (mLSTM + sLSTM)"
    },
    "tokens": {
      "interleaved": "interleaved: x₁, y₁, x₂, y₂, … (the papers')",
      "paired": "paired: one token per example"
    },
    "activations": {
      "gelu": "GELU, exact",
      "gelu_tanh": "GELU, tanh approximation (the reference's)",
      "relu": "ReLU"
    },
    "devices": {
      "auto": "auto",
      "cpu": "CPU",
      "webgpu": "WebGPU"
    },
    "baselines": {
      "averaging": "averaging",
      "bayes_ridge": "ridge, λ = σ² (Bayes for a fresh task)",
      "boosted_trees": "boosted trees",
      "dmmse": "dMMSE (Bayes for the training pool)",
      "gd": "gradient descent",
      "knn": "k-NN",
      "lasso": "Lasso",
      "least_squares": "least squares",
      "newton": "iterative Newton",
      "relu_net": "2-layer ReLU net",
      "ridge": "ridge",
      "tree": "greedy tree",
      "zero": "always 0 (zero estimator)"
    },
    "probes": {
      "noisy": "noisy outputs",
      "none": "in distribution",
      "opposite_quadrants": "query in the opposite orthant (harder)",
      "random_quadrants": "examples in one orthant (paper)",
      "scaled": "inputs scaled",
      "skewed": "skewed covariance"
    },
    "verdicts": {
      "cannot_tell": "cannot tell",
      "gradient_descent": "gradient descent",
      "newton": "Newton",
      "start": "still ≈ 0 (where both start)"
    },
    "sides": {
      "dmmse": "dMMSE",
      "ridge": "ridge"
    },
    "evalTasks": {
      "fresh": "fresh tasks",
      "pool": "the training pool's tasks"
    },
    "tasks": {
      "decision_tree": "decision tree",
      "ill_conditioned": "ill-conditioned linear",
      "linear": "linear",
      "noisy_linear": "noisy linear",
      "quadratic": "quadratic",
      "relu_net": "2-layer ReLU net",
      "sparse_linear": "sparse linear"
    },
    "datasets": {
      "blobs": "2-D blobs",
      "circles": "2-D circles",
      "digits": "handwritten digits (14×14)",
      "moons": "2-D moons",
      "spirals": "2-D spirals",
      "table": "your own data (draw points or load a CSV)",
      "xor": "2-D XOR"
    },
    "scenarios": {
      "blurry": "blurry boundaries",
      "class_incremental": "class-incremental",
      "permuted": "permuted inputs",
      "reoccurring": "re-occurring tasks",
      "rotated": "rotated inputs",
      "task_incremental": "task-incremental"
    },
    "schedules": {
      "cycle": "cycle (least recent)",
      "power_law": "power law (recent more often)"
    },
    "strategies": {
      "analytic": "Analytic head (RLS)",
      "continual_backprop": "Continual backprop",
      "ewc": "EWC",
      "joint": "Joint (upper bound)",
      "l2": "L2 to previous weights",
      "lwf": "LwF (distillation)",
      "naive": "Naive fine-tuning",
      "ncm": "Nearest class mean",
      "power_law_replay": "Power-law rehearsal",
      "protonet": "Prototypical network",
      "replay": "Replay",
      "shrink_perturb": "Shrink and perturb",
      "si": "Synaptic Intelligence",
      "slda": "Streaming LDA",
      "weight_decay": "L2 toward zero (weight decay)"
    },
    "bufferPolicies": {
      "class_balanced": "class-balanced",
      "reservoir": "reservoir"
    },
    "embeddings": {
      "frozen": "frozen random MLP",
      "learned": "MLP trained on task 1",
      "raw": "raw inputs"
    }
  },
  "limits": {
    "trainSteps": {
      "min": 1.0,
      "max": 100000.0,
      "minExclusive": false,
      "integer": true,
      "maxOf": null,
      "label": ""
    },
    "evalEvery": {
      "min": 0.0,
      "max": 1000000000.0,
      "minExclusive": false,
      "integer": true,
      "maxOf": null,
      "label": ""
    },
    "streamSteps": {
      "min": 1.0,
      "max": 1000000000.0,
      "minExclusive": false,
      "integer": true,
      "maxOf": null,
      "label": ""
    },
    "advanceSteps": {
      "min": 1.0,
      "max": 1000000.0,
      "minExclusive": false,
      "integer": true,
      "maxOf": null,
      "label": ""
    },
    "boundaryResolution": {
      "min": 2.0,
      "max": 256.0,
      "minExclusive": false,
      "integer": true,
      "maxOf": null,
      "label": ""
    },
    "unlearnClass": {
      "min": 0.0,
      "max": 255.0,
      "minExclusive": false,
      "integer": true,
      "maxOf": null,
      "label": ""
    },
    "costTokens": {
      "min": 1.0,
      "max": 65536.0,
      "minExclusive": false,
      "integer": true,
      "maxOf": null,
      "label": ""
    },
    "federatedClient": {
      "min": 0.0,
      "max": 7.0,
      "minExclusive": false,
      "integer": true,
      "maxOf": null,
      "label": ""
    }
  }
};
