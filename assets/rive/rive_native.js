// Tambon Field: stands in for @rive-app/flutter-native-wasm's rive_native.js (see
// assets/index.html). The app has no Rive animation; like a CDN that cannot be reached, the
// runtime never becomes ready.
window.RiveNative = function () { return new Promise(function () {}); };
