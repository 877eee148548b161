/**
 * A 2-D affine DOMMatrix for the pdf.js worker realm. pdf.js's Node build takes DOMMatrix from the
 * optional native @napi-rs/canvas, which AI Lab does not ship (it renders no canvases in Node), and
 * its module creates one at load. Text extraction needs only this much.
 */
export class AffineMatrix {
  a = 1;
  b = 0;
  c = 0;
  d = 1;
  e = 0;
  f = 0;

  constructor(init?: ArrayLike<number> | AffineMatrix) {
    if (init instanceof AffineMatrix) this.set(init.a, init.b, init.c, init.d, init.e, init.f);
    else if (init && init.length >= 6) this.set(init[0]!, init[1]!, init[2]!, init[3]!, init[4]!, init[5]!);
  }

  private set(a: number, b: number, c: number, d: number, e: number, f: number): this {
    Object.assign(this, { a, b, c, d, e, f });
    return this;
  }

  get is2D(): boolean {
    return true;
  }

  /** this = this × m */
  multiplySelf(m: AffineMatrix): this {
    return this.set(this.a * m.a + this.c * m.b, this.b * m.a + this.d * m.b, this.a * m.c + this.c * m.d, this.b * m.c + this.d * m.d, this.a * m.e + this.c * m.f + this.e, this.b * m.e + this.d * m.f + this.f);
  }

  /** this = m × this */
  preMultiplySelf(m: AffineMatrix): this {
    const t = new AffineMatrix(m).multiplySelf(this);
    return this.set(t.a, t.b, t.c, t.d, t.e, t.f);
  }

  translateSelf(x = 0, y = 0): this {
    return this.multiplySelf(new AffineMatrix([1, 0, 0, 1, x, y]));
  }

  scaleSelf(sx = 1, sy = sx): this {
    return this.multiplySelf(new AffineMatrix([sx, 0, 0, sy, 0, 0]));
  }

  invertSelf(): this {
    const det = this.a * this.d - this.b * this.c;
    if (!det) return this.set(NaN, NaN, NaN, NaN, NaN, NaN);
    return this.set(this.d / det, -this.b / det, -this.c / det, this.a / det, (this.c * this.f - this.d * this.e) / det, (this.b * this.e - this.a * this.f) / det);
  }

  multiply(m: AffineMatrix): AffineMatrix {
    return new AffineMatrix(this).multiplySelf(m);
  }

  translate(x = 0, y = 0): AffineMatrix {
    return new AffineMatrix(this).translateSelf(x, y);
  }

  scale(sx = 1, sy = sx): AffineMatrix {
    return new AffineMatrix(this).scaleSelf(sx, sy);
  }

  inverse(): AffineMatrix {
    return new AffineMatrix(this).invertSelf();
  }
}
