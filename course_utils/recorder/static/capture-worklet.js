// The audio thread's half of course_utils' microphone capture (capture.js loads it into an AudioWorklet).
// It copies every block of raw float32 samples (128 frames, mono) to the main thread as it arrives, until told "stop".
class CourseCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.running = true;
    this.port.onmessage = (event) => {
      if (event.data === "stop") this.running = false;
    };
  }

  process(inputs) {
    const input = inputs[0];
    if (this.running && input && input.length > 0 && input[0].length > 0) this.port.postMessage(input[0].slice(0));
    return this.running;
  }
}

registerProcessor("course-capture", CourseCapture);
