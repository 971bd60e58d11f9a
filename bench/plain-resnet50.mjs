// A plain, hand-written TensorFlow.js ResNet-50 (NHWC, batch norm folded, fused
// conv + bias + ReLU), the baseline netc's runtime is compared with. Random weights.
import * as tf from "@tensorflow/tfjs-core";

function convParams(cin, cout, k) {
  return { w: tf.randomNormal([k, k, cin, cout], 0, Math.sqrt(2 / (k * k * cin))), b: tf.zeros([cout]) };
}

export function buildPlainResnet50(classes = 1000) {
  const stem = convParams(3, 64, 7);
  const stages = [];
  let cin = 64;
  for (const [planes, blocks, stride] of [[64, 3, 1], [128, 4, 2], [256, 6, 2], [512, 3, 2]]) {
    const units = [];
    for (let i = 0; i < blocks; i++) {
      const s = i === 0 ? stride : 1;
      const unit = { s, c1: convParams(cin, planes, 1), c2: convParams(planes, planes, 3), c3: convParams(planes, planes * 4, 1) };
      if (i === 0) unit.down = convParams(cin, planes * 4, 1);
      units.push(unit);
      cin = planes * 4;
    }
    stages.push(units);
  }
  const fc = { w: tf.randomNormal([2048, classes], 0, 0.01), b: tf.zeros([classes]) };
  const conv = (x, p, stride, pad, activation) =>
    tf.fused.conv2d({ x, filter: p.w, strides: stride, pad, bias: p.b, activation });
  return (x) =>
    tf.tidy(() => {
      let y = conv(x, stem, 2, [[0, 0], [3, 3], [3, 3], [0, 0]], "relu");
      y = tf.maxPool(tf.pad(y, [[0, 0], [1, 1], [1, 1], [0, 0]], -Infinity), 3, 2, "valid");
      for (const units of stages)
        for (const u of units) {
          let h = conv(y, u.c1, 1, "valid", "relu");
          h = conv(h, u.c2, u.s, [[0, 0], [1, 1], [1, 1], [0, 0]], "relu");
          h = conv(h, u.c3, 1, "valid", "linear");
          const short = u.down ? conv(y, u.down, u.s, "valid", "linear") : y;
          y = tf.relu(tf.add(h, short));
        }
      return tf.add(tf.matMul(tf.mean(y, [1, 2]), fc.w), fc.b);
    });
}
