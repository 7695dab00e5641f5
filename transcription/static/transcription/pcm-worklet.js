// AudioWorklet processor: the microphone's float samples (at the AudioContext's rate, 16 kHz when the
// browser allows it) -> 16-bit little-endian PCM, posted to the page in 250 ms frames.
class PcmFrames extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.frameSamples = Math.round(sampleRate * 0.25);
    this.buffer = new Int16Array(this.frameSamples);
    this.filled = 0;
    this.peak = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      const s = Math.max(-1, Math.min(1, channel[i]));
      this.peak = Math.max(this.peak, Math.abs(s));
      this.buffer[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (this.filled === this.frameSamples) {
        this.port.postMessage({ pcm: this.buffer.buffer, peak: this.peak }, [this.buffer.buffer]);
        this.buffer = new Int16Array(this.frameSamples);
        this.filled = 0;
        this.peak = 0;
      }
    }
    return true;
  }
}

registerProcessor("pcm-frames", PcmFrames);
